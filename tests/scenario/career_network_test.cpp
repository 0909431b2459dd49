#include "scenario_people.hpp"
