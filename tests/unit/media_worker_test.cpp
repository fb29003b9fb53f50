// Unit suite of the media worker: post, timers, stop.
#define CAF_SUITE media.worker

#include "media/worker/media_worker.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include "caf/test/unit_test.hpp"
#include "media/worker/worker_timer.hpp"
#include "tests/unit/media_test_support.hpp"

using namespace wrtc;
using namespace std::chrono_literals;

CAF_TEST(posted tasks run on the worker thread in post order) {
  media::media_worker worker{"test-worker"};
  worker.start();
  test::waiter w;
  std::vector<int> order;
  bool all_on_worker = true;
  std::thread poster{[&] {
    for (int i = 0; i < 100; ++i)
      worker.post([&, i] {
        bool on_worker = worker.in_worker_thread();
        w.update([&] {
          order.push_back(i);
          all_on_worker = all_on_worker && on_worker;
        });
      });
  }};
  poster.join();
  CAF_REQUIRE(w.wait([&] { return order.size() == 100; }));
  CAF_CHECK(all_on_worker);
  bool in_order = true;
  for (int i = 0; i < 100; ++i) in_order = in_order && order[static_cast<size_t>(i)] == i;
  CAF_CHECK(in_order);
  CAF_CHECK(!worker.in_worker_thread());
}

CAF_TEST(a post from the worker thread never runs inline) {
  media::media_worker worker{"test-worker"};
  worker.start();
  test::waiter w;
  std::vector<std::string> trace;
  worker.post([&] {
    worker.post([&] { w.update([&] { trace.push_back("inner"); }); });
    w.update([&] { trace.push_back("outer done"); });
  });
  CAF_REQUIRE(w.wait([&] { return trace.size() == 2; }));
  CAF_CHECK_EQUAL(trace[0], "outer done");
  CAF_CHECK_EQUAL(trace[1], "inner");
}

CAF_TEST(a one shot timer fires once and a periodic timer until stopped from its callback) {
  media::media_worker worker{"test-worker"};
  worker.start();
  test::waiter w;
  int once = 0;
  int periodic = 0;
  std::unique_ptr<media::worker_timer> t1;
  std::unique_ptr<media::worker_timer> t2;
  worker.post([&] {
    t1 = std::make_unique<media::worker_timer>(worker);
    t2 = std::make_unique<media::worker_timer>(worker);
    t1->start_once(10ms, [&] { w.update([&] { ++once; }); });
    t2->start_periodic(5ms, [&] {
      int n = 0;
      w.update([&] { n = ++periodic; });
      if (n == 3) t2->stop();
    });
  });
  CAF_REQUIRE(w.wait([&] { return once == 1 && periodic == 3; }));
  // Both timers are idle now: a round trip through the queue proves nothing fires any more.
  bool t1_active = true;
  bool t2_active = true;
  bool drained = false;
  worker.post([&] {
    w.update([&] {
      t1_active = t1->active();
      t2_active = t2->active();
      drained = true;
    });
  });
  CAF_REQUIRE(w.wait([&] { return drained; }));
  CAF_CHECK(!t1_active);
  CAF_CHECK(!t2_active);
  CAF_CHECK_EQUAL(w.read([&] { return once; }), 1);
  CAF_CHECK_EQUAL(w.read([&] { return periodic; }), 3);
  worker.post([&] {
    t1.reset();
    t2.reset();
  });
  worker.stop();
}

CAF_TEST(a timer may destroy itself from its own callback) {
  media::media_worker worker{"test-worker"};
  test::waiter w;
  bool fired = false;
  auto* t = new media::worker_timer{worker};
  t->start_once(1ms, [&] {
    delete t;
    fired = true;
  });
  CAF_CHECK(test::drive_until(worker, [&] { return fired; }));
}

CAF_TEST(stop runs what was queued and refuses later posts) {
  media::media_worker worker{"test-worker"};
  worker.start();
  std::atomic<int> ran{0};
  for (int i = 0; i < 10; ++i) worker.post([&] { ++ran; });
  worker.stop();
  CAF_CHECK_EQUAL(ran.load(), 10);
  CAF_CHECK(!worker.post([&] { ++ran; }));
  CAF_CHECK_EQUAL(ran.load(), 10);
}

CAF_TEST(the load counter follows placements) {
  media::media_worker worker{"test-worker"};
  CAF_CHECK_EQUAL(worker.load(), 0);
  worker.add_load(1);
  worker.add_load(1);
  worker.add_load(-1);
  CAF_CHECK_EQUAL(worker.load(), 1);
}
