// HR pages after a token login: see pages.hpp. (Filled in by issue 15's work.)
#include "pages.hpp"

namespace mentoring::serve::pages {

void register_hr_pages(httplib::Server&, const PageContext&) {}

}  // namespace mentoring::serve::pages
