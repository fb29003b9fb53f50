// Unit suite of the media port allocator: exhaustion, reuse, pairs, threads.
#define CAF_SUITE media.port_allocator

#include <set>
#include <thread>
#include <vector>

#include "caf/test/unit_test.hpp"
#include "media/worker/port_allocator.hpp"

using namespace wrtc;

CAF_TEST(every port of the range is handed out once then the range is exhausted) {
  media::port_allocator ports{40000, 40009};
  std::set<uint16_t> seen;
  for (int i = 0; i < 10; ++i) {
    auto p = ports.acquire();
    CAF_REQUIRE(p);
    CAF_CHECK(*p >= 40000 && *p <= 40009);
    seen.insert(*p);
  }
  CAF_CHECK_EQUAL(seen.size(), 10u);
  CAF_CHECK_EQUAL(ports.in_use(), 10u);
  CAF_CHECK(!ports.acquire());
  CAF_CHECK(!ports.acquire_pair());
}

CAF_TEST(a released port is handed out again) {
  media::port_allocator ports{40000, 40003};
  for (int i = 0; i < 4; ++i) CAF_REQUIRE(ports.acquire());
  ports.release(40002);
  CAF_CHECK_EQUAL(ports.in_use(), 3u);
  auto again = ports.acquire();
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(*again, 40002);
  CAF_CHECK(!ports.acquire());
}

CAF_TEST(a released port waits until the rest of the range was used) {
  media::port_allocator ports{40000, 40003};
  auto first = ports.acquire();
  CAF_REQUIRE(first);
  ports.release(*first);
  auto next = ports.acquire();
  CAF_REQUIRE(next);
  CAF_CHECK_NOT_EQUAL(*next, *first);
}

CAF_TEST(pairs start on an even port and take two ports) {
  media::port_allocator ports{40001, 40006};  // pairs: 40002/3, 40004/5
  auto a = ports.acquire_pair();
  auto b = ports.acquire_pair();
  CAF_REQUIRE(a && b);
  CAF_CHECK_EQUAL(*a % 2, 0);
  CAF_CHECK_EQUAL(*b % 2, 0);
  CAF_CHECK_NOT_EQUAL(*a, *b);
  CAF_CHECK(!ports.acquire_pair());
  CAF_CHECK_EQUAL(ports.in_use(), 4u);
  ports.release_pair(*a);
  auto c = ports.acquire_pair();
  CAF_REQUIRE(c);
  CAF_CHECK_EQUAL(*c, *a);
  // The odd leftovers still serve single ports.
  CAF_CHECK(ports.acquire());
  CAF_CHECK(ports.acquire());
  CAF_CHECK(!ports.acquire());
}

CAF_TEST(releasing what was never handed out changes nothing) {
  media::port_allocator ports{40000, 40001};
  ports.release(40000);
  ports.release(39999);
  ports.release(50000);
  CAF_CHECK_EQUAL(ports.in_use(), 0u);
  CAF_CHECK(ports.acquire());
  CAF_CHECK(ports.acquire());
  CAF_CHECK(!ports.acquire());
}

CAF_TEST(threads never receive the same port) {
  media::port_allocator ports{40000, 40999};
  std::vector<std::vector<uint16_t>> got(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 250; ++i)
        if (auto p = ports.acquire()) got[t].push_back(*p);
    });
  for (auto& th : threads) th.join();
  std::set<uint16_t> all;
  size_t total = 0;
  for (auto& v : got) {
    total += v.size();
    all.insert(v.begin(), v.end());
  }
  CAF_CHECK_EQUAL(total, 1000u);
  CAF_CHECK_EQUAL(all.size(), 1000u);
  CAF_CHECK(!ports.acquire());
}
