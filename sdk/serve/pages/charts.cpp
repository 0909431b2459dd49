#include "charts.hpp"

#include <algorithm>
#include <cstdio>

namespace mentoring::serve::pages {

namespace {

constexpr int kLabelHeight = 20;
constexpr int kBarHeight = 20;  // kChart draws bars this high
constexpr int kRowHeight = 52;
constexpr int kBarMax = 480;  // of 600: room is left for the value after the longest bar

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

}  // namespace

hr::Data chart_data(const BarChart& chart) {
  hr::Data d;
  d.set("id", chart.id);
  d.set("title", chart.title);
  d.set("description", chart.description);
  d.set("caption", chart.caption);
  d.set("height", std::to_string(
                      std::max<int>(kRowHeight, static_cast<int>(chart.bars.size()) * kRowHeight)));
  const double max_value = chart.max_value > 0 ? chart.max_value : 1;
  hr::Data bars = hr::list();
  int y = 0;
  for (const auto& bar : chart.bars) {
    hr::Data b;
    b.set("label", bar.label);
    b.set("label_y", std::to_string(y + kLabelHeight - 5));
    b.set("bar_y", std::to_string(y + kLabelHeight));
    b.set("value_y", std::to_string(y + kLabelHeight + kBarHeight - 5));
    b.set("has_value", bar.value.has_value());
    const double width = bar.value ? std::clamp(*bar.value / max_value, 0.0, 1.0) * kBarMax : 0;
    b.set("width", number(width));
    b.set("value_x", number(width + 6));
    b.set("value_text", bar.value_text);
    bars << b;
    y += kRowHeight;
  }
  d.set("bars", bars);
  return d;
}

std::string render_bar_chart(const BarChart& chart) {
  return hr::render(hr::templates::kChart, chart_data(chart));
}

}  // namespace mentoring::serve::pages
