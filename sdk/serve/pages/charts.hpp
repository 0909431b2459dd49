// charts.hpp — bar charts as inline SVG for the HR pages (private to
// mentoring_serve), drawn by the mustache template hr_templates.cpp kChart. No
// script, no external file: the chart is part of the page.
//
// Accessible: role="img", a <title> and a <desc> (aria-labelledby both), a
// <figcaption>, and the page puts the same figures in a table beside it. A
// suppressed figure (a group below the report's minimum size) is drawn as the
// word "suppressed" and no bar: never as a zero.
#pragma once

#include "hr_templates.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mentoring::serve::pages {

struct Bar {
  std::string label;
  std::optional<double> value;  // nullopt: suppressed
  std::string value_text;       // how the value reads (e.g. "75 %", "12")
};

struct BarChart {
  std::string id;           // unique in the page: ids of the title and desc derive from it
  std::string title;        // <title>
  std::string description;  // <desc>: what is measured, and that a table holds the figures
  std::string caption;      // <figcaption>
  double max_value = 1;     // the full width of a bar (1 for a rate; the largest count otherwise)
  std::vector<Bar> bars;
};

// The data kChart renders (coordinates computed here).
hr::Data chart_data(const BarChart& chart);
// The <figure> with its <svg>.
std::string render_bar_chart(const BarChart& chart);

}  // namespace mentoring::serve::pages
