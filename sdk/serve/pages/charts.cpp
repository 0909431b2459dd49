#include "charts.hpp"

#include "pages.hpp"

#include <algorithm>
#include <cstdio>

namespace mentoring::serve::pages {

namespace {

constexpr int kWidth = 600;
constexpr int kLabelHeight = 20;
constexpr int kBarHeight = 20;
constexpr int kRowHeight = 52;
constexpr int kBarMax = 480;  // room is left for the value after the longest bar

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

}  // namespace

std::string render_bar_chart(const BarChart& chart) {
  const std::string id = escape_html(chart.id);
  const int height = std::max<int>(kRowHeight, static_cast<int>(chart.bars.size()) * kRowHeight);
  std::string svg = "<svg id=\"" + id + "\" role=\"img\" aria-labelledby=\"" + id + "-title " + id +
                    "-desc\" viewBox=\"0 0 " + std::to_string(kWidth) + " " +
                    std::to_string(height) +
                    "\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" "
                    "xmlns=\"http://www.w3.org/2000/svg\">" +
                    "<title id=\"" + id + "-title\">" + escape_html(chart.title) + "</title>" +
                    "<desc id=\"" + id + "-desc\">" + escape_html(chart.description) + "</desc>";
  const double max_value = chart.max_value > 0 ? chart.max_value : 1;
  int y = 0;
  for (const auto& bar : chart.bars) {
    svg += "<g>";
    svg += "<text x=\"0\" y=\"" + std::to_string(y + kLabelHeight - 5) +
           "\" font-size=\"15\" fill=\"#1b1b1b\">" + escape_html(bar.label) + "</text>";
    const int bar_y = y + kLabelHeight;
    if (!bar.value) {
      svg += "<text x=\"0\" y=\"" + std::to_string(bar_y + kBarHeight - 5) +
             "\" font-size=\"15\" font-style=\"italic\" fill=\"#595959\" "
             "class=\"suppressed\">suppressed</text>";
    } else {
      const double share = std::clamp(*bar.value / max_value, 0.0, 1.0);
      const double width = share * kBarMax;
      svg += "<rect x=\"0\" y=\"" + std::to_string(bar_y) + "\" width=\"" + number(width) +
             "\" height=\"" + std::to_string(kBarHeight) + "\" fill=\"#0b5394\"/>";
      svg += "<text x=\"" + number(width + 6) + "\" y=\"" + std::to_string(bar_y + kBarHeight - 5) +
             "\" font-size=\"15\" fill=\"#1b1b1b\">" + escape_html(bar.value_text) + "</text>";
    }
    svg += "</g>";
    y += kRowHeight;
  }
  svg += "</svg>";
  return svg;
}

}  // namespace mentoring::serve::pages
