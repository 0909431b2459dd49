// mentoring/domain/programme_shape.hpp — what a programme's pairing shape means
// for the rules that count mentees per mentor.
//
//   int capacity = effective_mentor_capacity(programme);  // the pairing solver's per-mentor limit
#pragma once

#include <mentoring/domain/programme.hpp>

namespace mentoring::domain {

// How many mentees one mentor takes at once: in a circle programme the circle's
// size (circle.max_mentees, one circle per mentor), otherwise mentor.capacity.
inline int effective_mentor_capacity(const Programme& programme) {
  return programme.shape == PairingShape::circles ? programme.circle_max_mentees
                                                  : programme.mentor.capacity;
}

}  // namespace mentoring::domain
