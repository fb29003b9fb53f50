// Unit suite of RTP packet parsing, header writing and RTP/RTCP demultiplexing.
#define CAF_SUITE media.rtp_packet

#include "media/rtp/rtp_packet.hpp"

#include <vector>

#include "caf/test/unit_test.hpp"

using namespace wrtc::media;

namespace {

// V=2, no padding, no extension, CC=0, M=1, PT=111, seq 0x1234, ts 0x01020304, ssrc 0xdeadbeef.
const std::vector<uint8_t> plain = {0x80, 0xef, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04,
                                    0xde, 0xad, 0xbe, 0xef, 0xaa, 0xbb, 0xcc};

// CC=2, X=1 with a one-byte-element (0xBEDE) extension of 1 word, 3 payload bytes.
const std::vector<uint8_t> with_csrc_and_extension = {
    0x92, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xa0, 0x11, 0x22, 0x33, 0x44,  // fixed header
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,                          // two CSRCs
    0xbe, 0xde, 0x00, 0x01, 0x10, 0xff, 0x00, 0x00,                          // extension
    0x01, 0x02, 0x03};                                                       // payload

rtp_parse_error error_of(const std::vector<uint8_t>& bytes) {
  return rtp_packet::parse(bytes.data(), bytes.size()).error();
}

}  // namespace

CAF_TEST(a plain packet exposes every header field) {
  auto p = rtp_packet::parse(plain.data(), plain.size());
  CAF_REQUIRE(p);
  CAF_CHECK(p->marker());
  CAF_CHECK_EQUAL(p->payload_type(), 111);
  CAF_CHECK_EQUAL(p->sequence(), 0x1234);
  CAF_CHECK_EQUAL(p->timestamp(), 0x01020304u);
  CAF_CHECK_EQUAL(p->ssrc(), 0xdeadbeefu);
  CAF_CHECK_EQUAL(p->csrc_count(), 0);
  CAF_CHECK(!p->has_extension());
  CAF_CHECK_EQUAL(p->header_size(), 12u);
  CAF_CHECK_EQUAL(p->payload_size(), 3u);
  CAF_CHECK_EQUAL(p->payload()[0], 0xaa);
  CAF_CHECK_EQUAL(p->padding_size(), 0u);
}

CAF_TEST(csrc list and header extension are skipped to reach the payload) {
  auto& bytes = with_csrc_and_extension;
  auto p = rtp_packet::parse(bytes.data(), bytes.size());
  CAF_REQUIRE(p);
  CAF_CHECK(!p->marker());
  CAF_CHECK_EQUAL(p->payload_type(), 0);
  CAF_CHECK_EQUAL(p->csrc_count(), 2);
  CAF_CHECK_EQUAL(p->csrc(0), 1u);
  CAF_CHECK_EQUAL(p->csrc(1), 2u);
  CAF_CHECK(p->has_extension());
  CAF_CHECK_EQUAL(p->extension_profile(), 0xbede);
  CAF_CHECK_EQUAL(p->extension_size(), 4u);
  CAF_CHECK_EQUAL(p->extension_data()[0], 0x10);
  CAF_CHECK_EQUAL(p->header_size(), 28u);
  CAF_CHECK_EQUAL(p->payload_size(), 3u);
  CAF_CHECK_EQUAL(p->payload()[2], 0x03);
}

CAF_TEST(padding is excluded from the payload) {
  auto bytes = plain;
  bytes[0] |= 0x20;
  bytes.insert(bytes.end(), {0x00, 0x00, 0x03});
  auto p = rtp_packet::parse(bytes.data(), bytes.size());
  CAF_REQUIRE(p);
  CAF_CHECK_EQUAL(p->payload_size(), 3u);
  CAF_CHECK_EQUAL(p->padding_size(), 3u);
}

CAF_TEST(padding with a zero count or longer than the body is refused) {
  auto zero = plain;
  zero[0] |= 0x20;
  zero.back() = 0;
  CAF_CHECK_EQUAL(error_of(zero), rtp_parse_error::bad_padding);
  auto too_long = plain;
  too_long[0] |= 0x20;
  too_long.back() = 4;  // only 3 bytes follow the header
  CAF_CHECK_EQUAL(error_of(too_long), rtp_parse_error::bad_padding);
  // A packet that is nothing but padding after the header is fine.
  auto all_padding = plain;
  all_padding[0] |= 0x20;
  all_padding.back() = 3;
  auto p = rtp_packet::parse(all_padding.data(), all_padding.size());
  CAF_REQUIRE(p);
  CAF_CHECK_EQUAL(p->payload_size(), 0u);
}

CAF_TEST(wrong version is refused) {
  for (uint8_t first : {0x00, 0x40, 0xc0}) {
    auto bytes = plain;
    bytes[0] = first;
    CAF_CHECK_EQUAL(error_of(bytes), rtp_parse_error::bad_version);
  }
}

CAF_TEST(every truncation of a packet is refused with its reason) {
  auto& bytes = with_csrc_and_extension;
  for (size_t len = 0; len < 12; ++len) {
    CAF_CHECK_EQUAL(rtp_packet::parse(bytes.data(), len).error(), rtp_parse_error::too_short);
  }
  for (size_t len = 12; len < 20; ++len) {
    CAF_CHECK_EQUAL(rtp_packet::parse(bytes.data(), len).error(), rtp_parse_error::truncated_csrc);
  }
  for (size_t len = 20; len < 28; ++len) {
    CAF_CHECK_EQUAL(rtp_packet::parse(bytes.data(), len).error(),
                    rtp_parse_error::truncated_extension);
  }
  // From the end of the header on, shorter packets are valid with a shorter payload.
  for (size_t len = 28; len <= bytes.size(); ++len) {
    auto p = rtp_packet::parse(bytes.data(), len);
    CAF_REQUIRE(p);
    CAF_CHECK_EQUAL(p->payload_size(), len - 28);
  }
  CAF_CHECK_EQUAL(rtp_packet::parse(nullptr, 100).error(), rtp_parse_error::too_short);
}

CAF_TEST(an extension length beyond the packet is refused) {
  auto bytes = with_csrc_and_extension;
  bytes[23] = 0x03;  // claims 3 words, 1 word and the 3 payload bytes follow
  CAF_CHECK_EQUAL(error_of(bytes), rtp_parse_error::truncated_extension);
}

CAF_TEST(written headers parse back to the same fields) {
  uint8_t buf[12];
  rtp_header h;
  h.payload_type = 8;
  h.marker = true;
  h.sequence = 65535;
  h.timestamp = 0xfffffff0u;
  h.ssrc = 0x01020304u;
  CAF_REQUIRE_EQUAL(write_rtp_header(buf, sizeof(buf), h), 12u);
  auto p = rtp_packet::parse(buf, sizeof(buf));
  CAF_REQUIRE(p);
  CAF_CHECK(p->marker());
  CAF_CHECK_EQUAL(p->payload_type(), 8);
  CAF_CHECK_EQUAL(p->sequence(), 65535);
  CAF_CHECK_EQUAL(p->timestamp(), 0xfffffff0u);
  CAF_CHECK_EQUAL(p->ssrc(), 0x01020304u);
  CAF_CHECK_EQUAL(p->payload_size(), 0u);
  CAF_CHECK_EQUAL(write_rtp_header(buf, 11, h), 0u);
  h.payload_type = 128;
  CAF_CHECK_EQUAL(write_rtp_header(buf, sizeof(buf), h), 0u);
}

CAF_TEST(rtcp is told from rtp by the second byte as rfc 5761 says) {
  auto with_second = [](uint8_t b) { return std::vector<uint8_t>{0x80, b, 0x00, 0x01}; };
  for (int b : {200, 201, 202, 203, 204, 205, 206, 207, 192, 223}) {
    auto p = with_second(static_cast<uint8_t>(b));
    CAF_CHECK(is_rtcp_packet(p.data(), p.size()));
  }
  // RTP: PCMU, PCMA, Opus 111 with and without marker, dynamic 96 with marker (224).
  for (int b : {0, 8, 111, 0xef, 191, 224, 0xe0 | 13}) {
    auto p = with_second(static_cast<uint8_t>(b));
    CAF_CHECK(!is_rtcp_packet(p.data(), p.size()));
  }
  auto short_one = with_second(200);
  CAF_CHECK(!is_rtcp_packet(short_one.data(), 3));
  auto v1 = with_second(200);
  v1[0] = 0x40;
  CAF_CHECK(!is_rtcp_packet(v1.data(), v1.size()));
}
