// Counts heap allocations made through global operator new (benchmarks report allocs/iter).
#pragma once

#include <cstdint>

namespace wrtc::bench {

/// Allocations since the process started (replacing operator new in this binary).
uint64_t allocation_count();

}  // namespace wrtc::bench
