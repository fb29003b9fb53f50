// Unit suite of RTCP compound walking and sender/receiver report parsing.
#define CAF_SUITE media.rtcp_report

#include "media/rtp/rtcp_report.hpp"

#include <vector>

#include "caf/test/unit_test.hpp"

using namespace wrtc::media;

namespace {

void put32(std::vector<uint8_t>& v, uint32_t x) {
  v.insert(v.end(), {uint8_t(x >> 24), uint8_t(x >> 16), uint8_t(x >> 8), uint8_t(x)});
}

// One report block: fraction 64/256, cumulative lost given as 24 bits, jitter 480.
void put_block(std::vector<uint8_t>& v, uint32_t ssrc, uint32_t lost24, uint32_t jitter) {
  put32(v, ssrc);
  put32(v, (64u << 24) | (lost24 & 0xffffff));
  put32(v, 0x00010064);  // one cycle, highest sequence 100
  put32(v, jitter);
  put32(v, 0x12345678);
  put32(v, 0x00010000);  // one second
}

// SR from 0x11111111 with one block, followed by an SDES with one CNAME chunk.
std::vector<uint8_t> sr_and_sdes() {
  std::vector<uint8_t> v = {0x81, 200, 0x00, 12};
  put32(v, 0x11111111);
  put32(v, 0xe0000000);  // NTP seconds
  put32(v, 0x80000000);  // NTP fraction
  put32(v, 48000);       // RTP timestamp
  put32(v, 50);          // packets
  put32(v, 8000);        // octets
  put_block(v, 0x22222222, 5, 480);
  // SDES: 1 chunk: ssrc, CNAME "ab", the null item ending the chunk, padding to a word.
  v.insert(v.end(), {0x81, 202, 0x00, 0x03});
  put32(v, 0x11111111);
  v.insert(v.end(), {0x01, 0x02, 'a', 'b', 0x00, 0x00, 0x00, 0x00});
  return v;
}

// RR from 0x33333333 with two blocks, the second with a negative cumulative loss.
std::vector<uint8_t> rr_two_blocks() {
  std::vector<uint8_t> v = {0x82, 201, 0x00, 13};
  put32(v, 0x33333333);
  put_block(v, 0x44444444, 1000, 160);
  put_block(v, 0x55555555, 0xfffffe, 7);  // -2: duplicates
  return v;
}

}  // namespace

CAF_TEST(a sender report and its block are read from a compound packet) {
  auto bytes = sr_and_sdes();
  int reports = 0;
  auto err = for_each_rtcp_report(bytes.data(), bytes.size(), [&](const rtcp_report& r) {
    ++reports;
    CAF_CHECK(r.is_sender_report());
    CAF_CHECK_EQUAL(r.sender_ssrc(), 0x11111111u);
    auto info = r.sender_info();
    CAF_CHECK_EQUAL(info.ntp_timestamp, 0xe000000080000000ull);
    CAF_CHECK_EQUAL(info.rtp_timestamp, 48000u);
    CAF_CHECK_EQUAL(info.packet_count, 50u);
    CAF_CHECK_EQUAL(info.octet_count, 8000u);
    CAF_REQUIRE_EQUAL(r.block_count(), 1u);
    auto b = r.block(0);
    CAF_CHECK_EQUAL(b.ssrc, 0x22222222u);
    CAF_CHECK_EQUAL(b.fraction_lost, 64);
    CAF_CHECK_EQUAL(b.loss_ratio(), 0.25);
    CAF_CHECK_EQUAL(b.cumulative_lost, 5);
    CAF_CHECK_EQUAL(b.highest_sequence, 0x00010064u);
    CAF_CHECK_EQUAL(b.jitter, 480u);
    CAF_CHECK_EQUAL(b.jitter_seconds(48000), 0.01);
    CAF_CHECK_EQUAL(b.last_sr, 0x12345678u);
    CAF_CHECK_EQUAL(b.delay_since_last_sr, 0x00010000u);
  });
  CAF_CHECK_EQUAL(err, rtcp_parse_error::none);
  CAF_CHECK_EQUAL(reports, 1);
}

CAF_TEST(a receiver report yields every block with signed cumulative loss) {
  auto bytes = rr_two_blocks();
  auto r = rtcp_report::parse(bytes.data(), bytes.size());
  CAF_REQUIRE(r);
  CAF_CHECK(!r->is_sender_report());
  CAF_CHECK_EQUAL(r->sender_info().packet_count, 0u);
  CAF_REQUIRE_EQUAL(r->block_count(), 2u);
  CAF_CHECK_EQUAL(r->block(0).cumulative_lost, 1000);
  CAF_CHECK_EQUAL(r->block(0).jitter, 160u);
  CAF_CHECK_EQUAL(r->block(1).ssrc, 0x55555555u);
  CAF_CHECK_EQUAL(r->block(1).cumulative_lost, -2);
}

CAF_TEST(the compound reader visits every packet in order) {
  auto bytes = sr_and_sdes();
  auto rr = rr_two_blocks();
  bytes.insert(bytes.end(), rr.begin(), rr.end());
  rtcp_compound_reader reader{bytes.data(), bytes.size()};
  std::vector<int> types;
  while (reader.next()) {
    types.push_back(reader.packet_type());
  }
  CAF_CHECK_EQUAL(reader.error(), rtcp_parse_error::none);
  CAF_CHECK_EQUAL(types, (std::vector<int>{200, 202, 201}));
}

CAF_TEST(a length field past the end is refused) {
  auto bytes = rr_two_blocks();
  bytes.resize(bytes.size() - 4);
  int reports = 0;
  auto err =
      for_each_rtcp_report(bytes.data(), bytes.size(), [&](const rtcp_report&) { ++reports; });
  CAF_CHECK_EQUAL(err, rtcp_parse_error::bad_length);
  CAF_CHECK_EQUAL(reports, 0);
}

CAF_TEST(a report count larger than the packet is refused) {
  auto bytes = rr_two_blocks();
  bytes[0] = 0x83;  // three blocks announced, two present
  auto r = rtcp_report::parse(bytes.data(), bytes.size());
  CAF_CHECK_EQUAL(r.error(), rtcp_parse_error::truncated_report_blocks);
  auto err = for_each_rtcp_report(bytes.data(), bytes.size(), [](const rtcp_report&) {});
  CAF_CHECK_EQUAL(err, rtcp_parse_error::truncated_report_blocks);
}

CAF_TEST(bad version truncation and misplaced padding are refused) {
  auto bytes = sr_and_sdes();
  auto v1 = bytes;
  v1[0] = 0x41;
  CAF_CHECK_EQUAL(for_each_rtcp_report(v1.data(), v1.size(), [](const rtcp_report&) {}),
                  rtcp_parse_error::bad_version);
  // Three stray bytes after a valid packet.
  auto tail = bytes;
  tail.insert(tail.end(), {0x80, 0xc9, 0x00});
  CAF_CHECK_EQUAL(for_each_rtcp_report(tail.data(), tail.size(), [](const rtcp_report&) {}),
                  rtcp_parse_error::too_short);
  // Padding on the first packet of a compound.
  auto padded = bytes;
  padded[0] |= 0x20;
  CAF_CHECK_EQUAL(for_each_rtcp_report(padded.data(), padded.size(), [](const rtcp_report&) {}),
                  rtcp_parse_error::bad_padding);
  // An SR cut before its sender info ends.
  std::vector<uint8_t> stub = {0x80, 200, 0x00, 0x01, 0, 0, 0, 1};
  CAF_CHECK_EQUAL(rtcp_report::parse(stub.data(), stub.size()).error(),
                  rtcp_parse_error::too_short);
  // Not a report at all.
  std::vector<uint8_t> bye = {0x81, 203, 0x00, 0x01, 0, 0, 0, 1};
  CAF_CHECK_EQUAL(rtcp_report::parse(bye.data(), bye.size()).error(),
                  rtcp_parse_error::not_a_report);
}

CAF_TEST(padding on the last packet is accepted and not read as blocks) {
  // RR with no block, 4 bytes of padding.
  std::vector<uint8_t> v = {0xa0, 201, 0x00, 0x02};
  put32(v, 0x33333333);
  v.insert(v.end(), {0, 0, 0, 4});
  auto r = rtcp_report::parse(v.data(), v.size());
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->block_count(), 0u);
  // Claiming a block that would overlap the padding is refused.
  v[0] = 0xa1;
  std::vector<uint8_t> more(20, 0);
  v.insert(v.end() - 4, more.begin(), more.end());
  v[3] = 7;
  CAF_CHECK_EQUAL(rtcp_report::parse(v.data(), v.size()).error(),
                  rtcp_parse_error::truncated_report_blocks);
}
