// The participant pages' templates: see participant_templates.hpp.
//
// Accessibility (WCAG 2.1 AA): every field has a <label for> (radio groups a
// <fieldset> with a <legend>); hints and errors are tied to their field by
// aria-describedby; an error summary at the top links to each field, is
// announced (role="alert") and takes the focus; buttons say what they do.
#include "participant_templates.hpp"

namespace mentoring::serve::pages::participant::templates {

// error_list: [{text, has_href, href}]
const char* const kErrorSummary = R"html({{#has_errors}}
<div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">
<h2 id="error-summary-title">There is a problem</h2>
<ul>
{{#error_list}}<li>{{#has_href}}<a href="{{href}}">{{text}}</a>{{/has_href}}{{^has_href}}{{text}}{{/has_href}}</li>
{{/error_list}}</ul>
<p>Nothing was saved. What you entered is kept below.</p>
</div>
{{/has_errors}})html";

// result_text: what was just done, or false.
const char* const kResult = R"html({{#result_text}}
<div class="notice" id="result" role="status"><p>{{result_text}}</p></div>
{{/result_text}})html";

// Data: person_name?, programme_name, role_words, respond_by{iso,human}?, consent_text,
// consent{checked, field_error?}, asks_goal, goal{value, field_error?}, asks_wishes,
// wishes{...}, reason{...}, action.
const char* const kInvitation = R"html({{> error_summary}}
<p>{{#person_name}}Hello {{person_name}}. {{/person_name}}You are invited to take part in <strong>{{programme_name}}</strong> as a {{role_words}}.</p>
{{#respond_by}}<p>Please answer by <time datetime="{{iso}}">{{human}}</time>.</p>{{/respond_by}}
<form id="answer" method="post" action="{{action}}" novalidate>
<h2>Your consent</h2>
<div class="consent" id="consent-text">{{consent_text}}</div>
{{#consent}}
{{#field_error}}<p class="field-error" id="consent-error"><span class="visually-hidden">Error: </span>{{field_error}}</p>{{/field_error}}
<div class="check">
<input type="checkbox" id="consent" name="consent" value="yes"{{#checked}} checked{{/checked}} aria-describedby="consent-text{{#field_error}} consent-error{{/field_error}}"{{#field_error}} aria-invalid="true"{{/field_error}}>
<label for="consent">I have read the consent text above and I give my consent</label>
</div>
{{/consent}}
<p class="hint">Your consent is needed to accept, not to decline.</p>
{{#asks_goal}}{{#goal}}
<label for="goal">Your mentoring question (optional)</label>
<p class="hint" id="goal-hint">What would you like to work on with your mentor as you return?</p>
{{#field_error}}<p class="field-error" id="goal-error"><span class="visually-hidden">Error: </span>{{field_error}}</p>{{/field_error}}
<textarea id="goal" name="goal" rows="4" aria-describedby="goal-hint{{#field_error}} goal-error{{/field_error}}"{{#field_error}} aria-invalid="true"{{/field_error}}>{{value}}</textarea>
{{/goal}}{{/asks_goal}}
{{#asks_wishes}}{{#wishes}}
<label for="wishes">Your wishes for a mentor (optional)</label>
<p class="hint" id="wishes-hint">For example someone from another team, or who has returned from leave.</p>
{{#field_error}}<p class="field-error" id="wishes-error"><span class="visually-hidden">Error: </span>{{field_error}}</p>{{/field_error}}
<textarea id="wishes" name="wishes" rows="3" aria-describedby="wishes-hint{{#field_error}} wishes-error{{/field_error}}"{{#field_error}} aria-invalid="true"{{/field_error}}>{{value}}</textarea>
{{/wishes}}{{/asks_wishes}}
<div class="actions"><button type="submit" id="accept" name="decision" value="accept">Accept the invitation</button></div>
<h2>Or decline</h2>
{{#reason}}
<label for="reason">Your reason (optional)</label>
<p class="hint" id="reason-hint">Only sent if you decline.</p>
{{#field_error}}<p class="field-error" id="reason-error"><span class="visually-hidden">Error: </span>{{field_error}}</p>{{/field_error}}
<textarea id="reason" name="reason" rows="3" aria-describedby="reason-hint{{#field_error}} reason-error{{/field_error}}"{{#field_error}} aria-invalid="true"{{/field_error}}>{{value}}</textarea>
{{/reason}}
<div class="actions"><button type="submit" id="decline" class="secondary" name="decision" value="decline">Decline the invitation</button></div>
</form>
{{#expires_on}}<p class="hint">This link works until <time datetime="{{iso}}">{{human}}</time>, once.</p>{{/expires_on}})html";

// Data: person_name?, programme_name, mentee_name, mentee_goal?, explanation[{criterion,
// words}], has_explanation, respond_by?, reason{...}, action.
const char* const kMentorProposal = R"html({{> error_summary}}
<p>{{#person_name}}Hello {{person_name}}. {{/person_name}}In <strong>{{programme_name}}</strong>, you are proposed as the mentor of <strong>{{mentee_name}}</strong>.</p>
{{#respond_by}}<p>Please answer by <time datetime="{{iso}}">{{human}}</time>.</p>{{/respond_by}}
<h2>Their mentoring question</h2>
{{#mentee_goal}}<p class="text">{{mentee_goal}}</p>{{/mentee_goal}}{{^mentee_goal}}<p>They have not written one yet.</p>{{/mentee_goal}}
<h2>Why you were proposed</h2>
{{#has_explanation}}<dl class="explanation">
{{#explanation}}<dt>{{criterion}}</dt><dd>{{words}}</dd>
{{/explanation}}</dl>{{/has_explanation}}{{^has_explanation}}<p>No explanation was given.</p>{{/has_explanation}}
<form id="answer" method="post" action="{{action}}" novalidate>
<div class="actions"><button type="submit" id="accept" name="decision" value="accept">Accept as my mentee</button></div>
<h2>Or decline</h2>
{{#reason}}
<label for="reason">Your reason (optional)</label>
<p class="hint" id="reason-hint">Only sent if you decline. It helps the programme find another mentor.</p>
{{#field_error}}<p class="field-error" id="reason-error"><span class="visually-hidden">Error: </span>{{field_error}}</p>{{/field_error}}
<textarea id="reason" name="reason" rows="3" aria-describedby="reason-hint{{#field_error}} reason-error{{/field_error}}"{{#field_error}} aria-invalid="true"{{/field_error}}>{{value}}</textarea>
{{/reason}}
<div class="actions"><button type="submit" id="decline" class="secondary" name="decision" value="decline">Decline</button></div>
</form>
{{#expires_on}}<p class="hint">This link works until <time datetime="{{iso}}">{{human}}</time>, once.</p>{{/expires_on}})html";

// Data: programme_name, other_name, other_role, other_email?, next_meeting{iso,human,time?}?,
// goal?, has_notes, notes[{iso,human,by,text}], has_meetings, meetings[{iso,human,duration}],
// meeting_date/meeting_duration/meeting_notes/next_date/next_time {value, field_error?},
// expires_on?, action.
const char* const kPair = R"html({{> result}}
{{> error_summary}}
<p>Your mentoring in <strong>{{programme_name}}</strong> with {{other_name}}, your {{other_role}}.{{#other_email}} Email: <a href="mailto:{{other_email}}">{{other_email}}</a>{{/other_email}}</p>
<p class="hint">Only the two of you see this page.</p>
<h2>Next meeting</h2>
{{#next_meeting}}<p id="next-meeting"><time datetime="{{iso}}">{{human}}</time>{{#time}} at {{time}}{{/time}}</p>{{/next_meeting}}{{^next_meeting}}<p id="next-meeting">No meeting is planned yet.</p>{{/next_meeting}}
<h2>{{goal_heading}}</h2>
{{#goal}}<p class="text" id="pair-goal">{{goal}}</p>{{/goal}}{{^goal}}<p id="pair-goal">No goal has been written yet.</p>{{/goal}}
<h2>Shared notes</h2>
{{#has_notes}}<ul class="notes" id="notes">
{{#notes}}<li><p class="meta"><time datetime="{{iso}}">{{human}}</time>, {{by}}</p><p class="text">{{text}}</p></li>
{{/notes}}</ul>{{/has_notes}}{{^has_notes}}<p id="notes">No notes yet.</p>{{/has_notes}}
<h2>Past meetings</h2>
{{#has_meetings}}<table id="meetings">
<caption class="visually-hidden">Past meetings</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Length</th></tr></thead>
<tbody>
{{#meetings}}<tr><td><time datetime="{{iso}}">{{human}}</time></td><td>{{duration}}</td></tr>
{{/meetings}}</tbody>
</table>{{/has_meetings}}{{^has_meetings}}<p id="meetings">No meetings logged yet.</p>{{/has_meetings}}
<h2 id="log-meeting-heading">Log a meeting</h2>
<form id="log-meeting" method="post" action="{{action}}" aria-labelledby="log-meeting-heading" novalidate>
<input type="hidden" name="action" value="log_meeting">
{{#meeting_date}}
<label for="meeting-date">Date of the meeting</label>
<p class="hint" id="meeting-date-hint">The day you met.</p>
{{#field_error}}<p class="field-error" id="meeting-date-error"><span class="visually-hidden">Error: </span>{{field_error}}</p>{{/field_error}}
<input type="date" id="meeting-date" name="date" value="{{value}}" autocomplete="off" aria-describedby="meeting-date-hint{{#field_error}} meeting-date-error{{/field_error}}"{{#field_error}} aria-invalid="true"{{/field_error}}>
{{/meeting_date}}
{{#meeting_duration}}
<label for="meeting-duration">Length in minutes (optional)</label>
{{#field_error}}<p class="field-error" id="meeting-duration-error"><span class="visually-hidden">Error: </span>{{field_error}}</p>{{/field_error}}
<input type="number" id="meeting-duration" name="duration_minutes" value="{{value}}" min="1" max="1440" step="1" inputmode="numeric"{{#field_error}} aria-describedby="meeting-duration-error" aria-invalid="true"{{/field_error}}>
{{/meeting_duration}}
{{#meeting_notes}}
<label for="meeting-notes">Notes (optional)</label>
<p class="hint" id="meeting-notes-hint">Shared with {{other_name}}.</p>
{{#field_error}}<p class="field-error" id="meeting-notes-error"><span class="visually-hidden">Error: </span>{{field_error}}</p>{{/field_error}}
<textarea id="meeting-notes" name="notes" rows="4" aria-describedby="meeting-notes-hint{{#field_error}} meeting-notes-error{{/field_error}}"{{#field_error}} aria-invalid="true"{{/field_error}}>{{value}}</textarea>
{{/meeting_notes}}
<div class="actions"><button type="submit" id="log-submit">Log the meeting</button></div>
</form>
<h2 id="move-next-heading">Move the next meeting</h2>
<form id="move-next" method="post" action="{{action}}" aria-labelledby="move-next-heading" novalidate>
<input type="hidden" name="action" value="move_next">
{{#next_date}}
<label for="next-date">New date</label>
<p class="hint" id="next-date-hint">The day you will meet next.</p>
{{#field_error}}<p class="field-error" id="next-date-error"><span class="visually-hidden">Error: </span>{{field_error}}</p>{{/field_error}}
<input type="date" id="next-date" name="date" value="{{value}}" autocomplete="off" aria-describedby="next-date-hint{{#field_error}} next-date-error{{/field_error}}"{{#field_error}} aria-invalid="true"{{/field_error}}>
{{/next_date}}
{{#next_time}}
<label for="next-time">New start time (optional)</label>
<p class="hint" id="next-time-hint">Hours and minutes, for example 14:30.</p>
{{#field_error}}<p class="field-error" id="next-time-error"><span class="visually-hidden">Error: </span>{{field_error}}</p>{{/field_error}}
<input type="time" id="next-time" name="start_time" value="{{value}}" aria-describedby="next-time-hint{{#field_error}} next-time-error{{/field_error}}"{{#field_error}} aria-invalid="true"{{/field_error}}>
{{/next_time}}
<div class="actions"><button type="submit" id="move-submit">Move the meeting</button></div>
</form>
{{#expires_on}}<p class="hint">This link works until <time datetime="{{iso}}">{{human}}</time>.</p>{{/expires_on}})html";

// Data: programme_name, questions[{element, text, optional, is_text, is_number, is_group,
// hint, stacked, options[{input_id, value, label, checked}], value, field_error?}], action.
const char* const kSurvey = R"html({{> error_summary}}
<p>An evaluation of <strong>{{programme_name}}</strong>. Your answers are stored without your name: nobody can tell who gave them.</p>
<form id="survey" method="post" action="{{action}}" novalidate>
{{#questions}}
{{#is_text}}
<label for="{{element}}">{{text}}{{#optional}} (optional){{/optional}}</label>
{{#field_error}}<p class="field-error" id="{{element}}-error"><span class="visually-hidden">Error: </span>{{field_error}}</p>{{/field_error}}
<textarea id="{{element}}" name="{{element}}" rows="4"{{#field_error}} aria-describedby="{{element}}-error" aria-invalid="true"{{/field_error}}>{{value}}</textarea>
{{/is_text}}
{{#is_number}}
<label for="{{element}}">{{text}}{{#optional}} (optional){{/optional}}</label>
<p class="hint" id="{{element}}-hint">{{hint}}</p>
{{#field_error}}<p class="field-error" id="{{element}}-error"><span class="visually-hidden">Error: </span>{{field_error}}</p>{{/field_error}}
<input type="text" inputmode="decimal" class="short" id="{{element}}" name="{{element}}" value="{{value}}" autocomplete="off" aria-describedby="{{element}}-hint{{#field_error}} {{element}}-error{{/field_error}}"{{#field_error}} aria-invalid="true"{{/field_error}}>
{{/is_number}}
{{#is_group}}
<fieldset id="{{element}}" aria-describedby="{{element}}-hint{{#field_error}} {{element}}-error{{/field_error}}">
<legend>{{text}}{{#optional}} (optional){{/optional}}</legend>
<p class="hint" id="{{element}}-hint">{{hint}}</p>
{{#field_error}}<p class="field-error" id="{{element}}-error"><span class="visually-hidden">Error: </span>{{field_error}}</p>{{/field_error}}
<div class="options{{#stacked}} stacked{{/stacked}}">
{{#options}}<div class="option"><input type="radio" id="{{input_id}}" name="{{element}}" value="{{value}}"{{#checked}} checked{{/checked}}><label for="{{input_id}}">{{label}}</label></div>
{{/options}}</div>
</fieldset>
{{/is_group}}
{{/questions}}
<div class="actions"><button type="submit" id="submit">Send my answers</button></div>
</form>)html";

const char* const kThanks = R"html({{> result}}
<p>You can close this page.</p>)html";

// Data: reason, words, used_words?, status_words.
const char* const kInvalid = R"html(<div class="error" id="invalid" data-reason="{{reason}}">
<p>{{words}}</p>
{{#used_words}}<p>{{used_words}}</p>{{/used_words}}
<p>Nothing was changed.</p>
</div>
<p>{{advice}}</p>)html";

// Data: id, words, advice.
const char* const kMessage = R"html(<div class="error" id="{{id}}">
<p>{{words}}</p>
</div>
<p>{{advice}}</p>)html";

}  // namespace mentoring::serve::pages::participant::templates
