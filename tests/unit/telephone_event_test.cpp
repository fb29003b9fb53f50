// Unit suite of RFC 4733 telephone-event parsing and clock conversion.
#define CAF_SUITE media.telephone_event

#include "media/codec/telephone_event.hpp"

#include <vector>

#include "caf/test/unit_test.hpp"

using namespace wrtc::media;

CAF_TEST(an event block is read field by field) {
  // '#' (11), end bit, volume 10, duration 1920.
  std::vector<uint8_t> p = {11, 0x8a, 0x07, 0x80};
  telephone_event e;
  CAF_REQUIRE(parse_telephone_event(p.data(), p.size(), e));
  CAF_CHECK_EQUAL(e.event, 11);
  CAF_CHECK(e.end);
  CAF_CHECK(!e.reserved);
  CAF_CHECK_EQUAL(e.volume, 10);
  CAF_CHECK_EQUAL(e.duration, 1920);
  CAF_CHECK(!parse_telephone_event(p.data(), 3, e));
  CAF_CHECK(!parse_telephone_event(p.data(), 0, e));
}

CAF_TEST(browser durations are divided by six for the 8 khz side) {
  // '5', no end, volume 10, duration 2880 (60 ms at 48 kHz) -> 480.
  std::vector<uint8_t> in = {5, 0x0a, 0x0b, 0x40};
  uint8_t out[4];
  CAF_REQUIRE_EQUAL(rescale_telephone_event(in.data(), in.size(), 48000, 8000, out, 4), 4u);
  telephone_event e;
  CAF_REQUIRE(parse_telephone_event(out, 4, e));
  CAF_CHECK_EQUAL(e.event, 5);
  CAF_CHECK(!e.end);
  CAF_CHECK_EQUAL(e.volume, 10);
  CAF_CHECK_EQUAL(e.duration, 480);
}

CAF_TEST(sip durations are multiplied by six and clamp at 16 bits) {
  // End bit and the reserved bit are kept; 800 (100 ms at 8 kHz) -> 4800.
  std::vector<uint8_t> in = {1, 0xc0 | 7, 0x03, 0x20, 2, 0x07, 0x2a, 0xf8};
  uint8_t out[8];
  CAF_REQUIRE_EQUAL(rescale_telephone_event(in.data(), in.size(), 8000, 48000, out, 8), 8u);
  telephone_event e;
  CAF_REQUIRE(parse_telephone_event(out, 8, e));
  CAF_CHECK(e.end);
  CAF_CHECK(e.reserved);
  CAF_CHECK_EQUAL(e.volume, 7);
  CAF_CHECK_EQUAL(e.duration, 4800);
  // Second block (redundancy): 11000 ticks at 8 kHz no longer fit at 48 kHz.
  CAF_REQUIRE(parse_telephone_event(out + 4, 4, e));
  CAF_CHECK_EQUAL(e.event, 2);
  CAF_CHECK_EQUAL(e.duration, 0xffff);
}

CAF_TEST(payloads that are not whole blocks or do not fit are refused) {
  std::vector<uint8_t> in = {1, 0, 0, 160, 2};
  uint8_t out[8];
  CAF_CHECK_EQUAL(rescale_telephone_event(in.data(), in.size(), 8000, 48000, out, 8), 0u);
  CAF_CHECK_EQUAL(rescale_telephone_event(in.data(), 4, 8000, 48000, out, 3), 0u);
  CAF_CHECK_EQUAL(rescale_telephone_event(in.data(), 4, 0, 48000, out, 8), 0u);
}
