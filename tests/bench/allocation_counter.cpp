// Replaces global operator new/delete of the benchmark binary to count allocations.
// (Its own translation unit: GCC mis-pairs an inlined replacement new/delete otherwise.)
#include "tests/bench/allocation_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<uint64_t> allocations{0};

}  // namespace

namespace wrtc::bench {

uint64_t allocation_count() {
  return allocations.load(std::memory_order_relaxed);
}

}  // namespace wrtc::bench

void* operator new(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}

void operator delete(void* p) noexcept {
  std::free(p);
}

void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
