// Unit suite of the session directory actor.
#define CAF_SUITE actors.session_directory

#include "tests/unit/test_config.hpp"

#include "actors/gateway_error.hpp"
#include "actors/session_directory.hpp"

using namespace caf;
using namespace wrtc;

namespace {

struct fixture : wrtc::test::fixture {
  actor dir = sys.spawn(session_directory, std::size_t{3});

  expected<bool> reserve(const std::string& key, const std::string& id) {
    return ask_now<bool>(dir, reserve_atom::value, key, id);
  }

  expected<actor> lookup(const std::string& id) {
    return ask_now<actor>(dir, lookup_atom::value, id);
  }

  actor dummy() {
    return sys.spawn([](event_based_actor*) -> behavior { return {[](int) {}}; });
  }

  ~fixture() { stop({dir}); }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(session_directory_tests, fixture)

CAF_TEST(a dn can be reserved once per tenant) {
  CAF_CHECK(reserve("cc-1/5001", "a"));
  auto again = reserve("cc-1/5001", "b");
  CAF_REQUIRE(!again);
  CAF_CHECK_EQUAL(to_gateway_errc(again.error()), gateway_errc::dn_in_use);
  CAF_CHECK(reserve("cc-2/5001", "c"));
}

CAF_TEST(a session is found only once its actor is bound) {
  CAF_CHECK(reserve("cc-1/5001", "a"));
  auto before = lookup("a");
  CAF_REQUIRE(!before);
  CAF_CHECK_EQUAL(to_gateway_errc(before.error()), gateway_errc::not_found);
  auto s = dummy();
  self->send(dir, bind_atom::value, std::string{"a"}, s);
  dispatch();
  auto after = lookup("a");
  CAF_REQUIRE(after);
  CAF_CHECK_EQUAL(*after, s);
  CAF_CHECK_EQUAL(to_gateway_errc(lookup("zzz").error()), gateway_errc::not_found);
}

CAF_TEST(a released session frees its dn) {
  CAF_CHECK(reserve("cc-1/5001", "a"));
  self->send(dir, release_atom::value, std::string{"a"});
  dispatch();
  CAF_CHECK(reserve("cc-1/5001", "b"));
}

CAF_TEST(a session actor that terminates leaves the directory) {
  CAF_CHECK(reserve("cc-1/5001", "a"));
  auto s = dummy();
  self->send(dir, bind_atom::value, std::string{"a"}, s);
  dispatch();
  self->send_exit(s, exit_reason::kill);
  dispatch();
  CAF_CHECK(!lookup("a"));
  CAF_CHECK(reserve("cc-1/5001", "b"));
}

CAF_TEST(sign ins beyond the client limit are refused) {
  CAF_CHECK(reserve("cc-1/1", "a"));
  CAF_CHECK(reserve("cc-1/2", "b"));
  CAF_CHECK(reserve("cc-1/3", "c"));
  auto over = reserve("cc-1/4", "d");
  CAF_REQUIRE(!over);
  CAF_CHECK_EQUAL(to_gateway_errc(over.error()), gateway_errc::capacity_exceeded);
  auto n = ask_now<uint64_t>(dir, count_atom::value);
  CAF_REQUIRE(n);
  CAF_CHECK_EQUAL(*n, 3u);
}

CAF_TEST_FIXTURE_SCOPE_END()
