#include "hr_templates.hpp"

#include <stdexcept>

namespace mentoring::serve::pages::hr {

namespace templates {

// A table (hr_table.hpp: table_data): name, caption, headers, columns, rows
// (each {cells}: first, text, has_lines/lines, has_forms/forms/note_id/note),
// csv_href. The first cell of a row is its header; a scrollable region keeps
// a wide table usable on a phone.
const char* const kTable =
    R"(<div role="region" tabindex="0" aria-labelledby="{{name}}-caption" style="overflow-x:auto">
<table id="{{name}}">
<caption id="{{name}}-caption">{{caption}}</caption>
<thead><tr>{{#headers}}<th scope="col">{{.}}</th>{{/headers}}</tr></thead>
<tbody>
{{^rows}}<tr><td colspan="{{columns}}">None.</td></tr>
{{/rows}}{{#rows}}<tr>{{#cells}}{{#first}}<th scope="row">{{/first}}{{^first}}<td>{{/first}})"
    R"({{^has_lines}}{{^has_forms}}{{text}}{{/has_forms}}{{/has_lines}})"
    R"({{#has_lines}}<ul>{{#lines}}<li>{{.}}</li>{{/lines}}</ul>{{/has_lines}})"
    R"({{#has_forms}}<span id="{{note_id}}" hidden>{{note}}</span>{{#forms}})"
    R"(<form method="post" action="{{url}}"><input type="hidden" name="csrf" value="{{csrf}}">)"
    R"({{#fields}}<input type="hidden" name="{{field}}" value="{{value}}">{{/fields}})"
    R"(<button type="submit" id="{{button_id}}" aria-describedby="{{note_id}}">{{label}}</button>)"
    R"(</form>{{/forms}}{{/has_forms}})"
    R"({{#first}}</th>{{/first}}{{^first}}</td>{{/first}}{{/cells}}</tr>
{{/rows}}</tbody>
</table>
</div>
<p><a class="csv" href="{{csv_href}}">Download “{{caption}}” as CSV</a></p>
)";

// A bar chart (charts.hpp: chart_data): id, title, description, caption,
// height, bars ({label, label_y, has_value, bar_y, width, value_x, value_y,
// value_text}). A suppressed figure is the word, never a bar of zero.
const char* const kChart =
    R"(<figure><svg id="{{id}}" role="img" aria-labelledby="{{id}}-title {{id}}-desc" )"
    R"(viewBox="0 0 600 {{height}}" width="100%" preserveAspectRatio="xMinYMin meet" )"
    R"(xmlns="http://www.w3.org/2000/svg"><title id="{{id}}-title">{{title}}</title>)"
    R"(<desc id="{{id}}-desc">{{description}}</desc>{{#bars}}<g>)"
    R"(<text x="0" y="{{label_y}}" font-size="15" fill="#1b1b1b">{{label}}</text>)"
    R"({{#has_value}}<rect x="0" y="{{bar_y}}" width="{{width}}" height="20" fill="#0b5394"/>)"
    R"(<text x="{{value_x}}" y="{{value_y}}" font-size="15" fill="#1b1b1b">{{value_text}}</text>)"
    R"({{/has_value}}{{^has_value}}<text x="0" y="{{value_y}}" font-size="15" font-style="italic" )"
    R"(fill="#595959" class="suppressed">suppressed</text>{{/has_value}}</g>{{/bars}}</svg>)"
    R"(<figcaption>{{caption}}</figcaption></figure>
)";

// notice: what was just done ({{notice}} false for nothing).
const char* const kNotice =
    R"({{#notice}}<p class="notice" id="result" role="status">{{notice}}</p>
{{/notice}})";

// has_choice, programmes ({href, label, current}).
const char* const kChooser =
    R"({{#has_choice}}<nav aria-label="Choose a programme"><ul>{{#programmes}})"
    R"(<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>)"
    R"({{/programmes}}</ul></nav>
{{/has_choice}})";

// sign_out_action, csrf, caller_name, caller_role.
const char* const kSignOut =
    R"(<form id="logout" method="post" action="{{sign_out_action}}">)"
    R"(<input type="hidden" name="csrf" value="{{csrf}}"><p>Signed in as {{caller_name}})"
    R"( ({{caller_role}}).</p><button type="submit" id="sign-out" class="secondary">Sign out)"
    R"(</button></form>
)";

// action, error (false for none).
const char* const kLogin =
    R"({{#error}}<p class="error" id="login-error" role="alert">{{error}}</p>
{{/error}}<form id="login" method="post" action="{{action}}"><label for="token">Your API token</label>
<p id="token-hint">The token your administrator created with <code>mentoring-host token create</code> for the HR or admin role.</p>
<input type="password" id="token" name="token" required autocomplete="off" spellcheck="false" aria-describedby="token-hint{{#error}} login-error{{/error}}">
<button type="submit" id="sign-in">Sign in</button></form>
)";

// words, back.
const char* const kFailure = R"(<p class="error" id="error" role="alert">{{words}}</p>
<p><a href="{{back}}">Back</a></p>
)";

// chooser; has_programme, programme_name, today; tables.
const char* const kOverview = R"({{> chooser}}
{{#has_programme}}<h2>{{programme_name}}</h2>
<p>As of {{today}}.</p>
{{#tables}}{{> table}}{{/tables}}{{/has_programme}}
{{^has_programme}}<p>The organisation runs no programme yet.</p>
{{/has_programme}}
)";

// notice, chooser; has_programme, programme_name, pairs_accept; tables.
const char* const kProposals = R"({{> notice_box}}
{{> chooser}}
{{#has_programme}}<h2>{{programme_name}}</h2>
{{#pairs_accept}}<p>In this programme both members accept their own proposal; accepting here adds HR's acceptance.</p>
{{/pairs_accept}}
{{#tables}}{{> table}}{{/tables}}{{/has_programme}}
{{^has_programme}}<p>No programme has pairing proposals.</p>
{{/has_programme}}
)";

// notice; choosing, choose ({href, label}); programme_name, other_href;
// tables; form (false, or {action, csrf, programme, sessions {value, label},
// people {value}}).
const char* const kSupervision = R"({{> notice_box}}
{{#choosing}}<p>Choose a programme:</p>
<ul id="programmes">{{#choose}}<li><a href="{{href}}">{{label}}</a></li>{{/choose}}</ul>
{{/choosing}}
{{^choosing}}<h2>{{programme_name}}</h2>
{{#other_href}}<p><a href="{{other_href}}">Other programmes</a></p>
{{/other_href}}
{{#tables}}{{> table}}{{/tables}}{{#form}}<h2>Record attendance</h2>
<form id="attendance" method="post" action="{{action}}"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="programme" value="{{programme}}">
<label for="attendance-session">Session</label><select id="attendance-session" name="session_id" required>{{#sessions}}<option value="{{value}}">{{label}}</option>{{/sessions}}</select>
<label for="attendance-person">Mentor</label><select id="attendance-person" name="person_id" required>{{#people}}<option value="{{value}}">{{label}}</option>{{/people}}</select>
<label for="attendance-attended">Attended</label><select id="attendance-attended" name="attended" required><option value="yes">Yes, attended</option><option value="no">No, missed</option></select>
<button type="submit" id="record-attendance">Record attendance</button></form>
{{/form}}{{/choosing}}
)";

// chooser; has_programme, programme_name, today, min_group_size; the charts
// (false when empty) and tables by name; no_fee, why.
const char* const kEvaluation = R"({{> chooser}}
{{#has_programme}}<h2>{{programme_name}}</h2>
<p>As of {{today}}. A figure about fewer than {{min_group_size}} people is suppressed, to keep answers anonymous.</p>
<h3>Surveys</h3>
{{#response_chart}}{{> chart}}{{/response_chart}}
{{#surveys_table}}{{> table}}{{/surveys_table}}
{{#questions_table}}{{> table}}{{/questions_table}}
{{#comments_table}}{{> table}}{{/comments_table}}
<h3>Retention</h3>
{{#retention_chart}}{{> chart}}{{/retention_chart}}
{{#retention_table}}{{> table}}{{/retention_table}}
{{#productivity_table}}{{> table}}{{/productivity_table}}
<h3>Budget</h3>
{{#no_fee}}<p>No fee per participant is set{{#why}}: {{why}}{{/why}}.</p>
{{/no_fee}}
{{#participants_chart}}{{> chart}}{{/participants_chart}}
{{#budget_table}}{{> table}}{{/budget_table}}
{{/has_programme}}
{{^has_programme}}<p>No programme to report on.</p>
{{/has_programme}}
)";

}  // namespace templates

std::string render(const char* text, Data data) {
  kainjow::mustache::mustache body{text};
  if (!body.is_valid()) throw std::logic_error("HR page template: " + body.error_message());
  using kainjow::mustache::partial;
  data.set("table", partial([] { return std::string(templates::kTable); }));
  data.set("chart", partial([] { return std::string(templates::kChart); }));
  data.set("notice_box", partial([] { return std::string(templates::kNotice); }));
  data.set("chooser", partial([] { return std::string(templates::kChooser); }));
  data.set("sign_out", partial([] { return std::string(templates::kSignOut); }));
  return body.render(data);
}

Data list() {
  return Data(Data::type::list);
}

Data optional(const std::string& text) {
  return text.empty() ? Data(false) : Data(text);
}

}  // namespace mentoring::serve::pages::hr
