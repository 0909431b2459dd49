// Participant pages, opened from a signed link: see pages.hpp. (Filled in by issue 15's work.)
#include "pages.hpp"

namespace mentoring::serve::pages {

void register_participant_pages(httplib::Server&, const PageContext&) {}

}  // namespace mentoring::serve::pages
