// Google Benchmark of SRTP protect/unprotect of a 172-byte RTP packet, and of a DTLS-SRTP
// handshake.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <array>
#include <cstring>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "media/dtls/dtls_transport.hpp"
#include "media/srtp/srtp_session.hpp"

using wrtc::media::dtls_certificate;
using wrtc::media::dtls_role;
using wrtc::media::dtls_transport;
using wrtc::media::srtp_keys;
using wrtc::media::srtp_profile;
using wrtc::media::srtp_session;

namespace {

constexpr size_t packet_size = 172;
// Enough distinct protected packets to stay in cache yet amortise re-creating the receiver.
constexpr size_t batch = 4096;

using buffer = std::array<uint8_t, packet_size + wrtc::media::srtp_max_overhead>;

std::vector<uint8_t> master(srtp_profile p) {
  std::vector<uint8_t> m(wrtc::media::srtp_master_length(p));
  for (size_t i = 0; i < m.size(); ++i) {
    m[i] = static_cast<uint8_t>(0x5a ^ (i * 29));
  }
  return m;
}

std::unique_ptr<srtp_session> session(srtp_profile p, srtp_session::direction d) {
  std::string error;
  auto s = srtp_session::create(p, d, master(p), error);
  if (!s) {
    throw std::runtime_error(error);
  }
  return s;
}

void rtp_packet(uint8_t* p, uint16_t seq) {
  p[0] = 0x80;
  p[1] = 0;  // PCMU
  p[2] = static_cast<uint8_t>(seq >> 8);
  p[3] = static_cast<uint8_t>(seq);
  uint32_t ts = seq * 160u;
  uint32_t ssrc = 0x1234abcd;
  for (int i = 0; i < 4; ++i) {
    p[4 + i] = static_cast<uint8_t>(ts >> (24 - 8 * i));
    p[8 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
  }
  for (size_t i = 12; i < packet_size; ++i) {
    p[i] = static_cast<uint8_t>(i);
  }
}

// Each iteration: restore a plain packet with the next sequence number (a 172-byte copy, as a
// relay writes the packet it forwards) and protect it in place.
void protect(benchmark::State& state, srtp_profile p) {
  auto out = session(p, srtp_session::direction::outbound);
  buffer plain{};
  rtp_packet(plain.data(), 0);
  buffer buf{};
  uint16_t seq = 0;
  for (auto _ : state) {
    std::memcpy(buf.data(), plain.data(), packet_size);
    buf[2] = static_cast<uint8_t>(seq >> 8);
    buf[3] = static_cast<uint8_t>(seq);
    ++seq;
    size_t len = packet_size;
    if (!out->protect_rtp(buf.data(), len, buf.size())) {
      state.SkipWithError("protect failed");
      break;
    }
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(packet_size));
}

// Each iteration: copy one of `batch` distinct protected packets into the work buffer (replay
// protection refuses a packet twice) and unprotect it in place. After a batch the receiver is
// re-created outside the timed region, so the same packets are new to it.
void unprotect(benchmark::State& state, srtp_profile p) {
  auto out = session(p, srtp_session::direction::outbound);
  std::vector<buffer> wire(batch);
  std::vector<size_t> wire_len(batch);
  for (size_t i = 0; i < batch; ++i) {
    rtp_packet(wire[i].data(), static_cast<uint16_t>(i));
    wire_len[i] = packet_size;
    if (!out->protect_rtp(wire[i].data(), wire_len[i], wire[i].size())) {
      state.SkipWithError("protect failed");
      return;
    }
  }
  auto in = session(p, srtp_session::direction::inbound);
  buffer buf{};
  size_t i = 0;
  for (auto _ : state) {
    if (i == batch) {
      state.PauseTiming();
      in = session(p, srtp_session::direction::inbound);
      i = 0;
      state.ResumeTiming();
    }
    std::memcpy(buf.data(), wire[i].data(), wire_len[i]);
    size_t len = wire_len[i];
    ++i;
    if (!in->unprotect_rtp(buf.data(), len) || len != packet_size) {
      state.SkipWithError("unprotect failed");
      break;
    }
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(packet_size));
}

// The copy both loops include, to subtract it when comparing with bare libsrtp figures.
void copy_only(benchmark::State& state) {
  buffer src{};
  rtp_packet(src.data(), 1);
  buffer buf{};
  for (auto _ : state) {
    std::memcpy(buf.data(), src.data(), packet_size);
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
  }
}

// -- DTLS-SRTP handshake -------------------------------------------------------

struct queue_listener : dtls_transport::listener {
  std::deque<std::vector<uint8_t>> outbox;
  bool connected = false;
  void dtls_send(const uint8_t* data, size_t len) override {
    outbox.emplace_back(data, data + len);
  }
  void dtls_connected(const srtp_keys&) override { connected = true; }
  void dtls_failed(const std::string&) override {}
  void dtls_closed() override {}
};

void deliver(queue_listener& from, dtls_transport& to) {
  auto batch = std::move(from.outbox);
  from.outbox.clear();
  for (auto& d : batch) {
    to.on_datagram(d.data(), d.size());
  }
}

// Both sides of one handshake on one thread (so: two ECDHE, two ECDSA signatures and two
// verifications), in memory. Also reports the heap a connected transport keeps.
void dtls_srtp_handshake(benchmark::State& state) {
  std::string error;
  auto cert_a = dtls_certificate::generate(error);
  auto cert_b = dtls_certificate::generate(error);
  if (!cert_a || !cert_b) {
    state.SkipWithError(error.c_str());
    return;
  }
  size_t heap_per_transport = 0;
  for (auto _ : state) {
    queue_listener a;
    queue_listener b;
    auto before = mallinfo2().uordblks;
    {
      dtls_transport client{cert_a, a};
      dtls_transport server{cert_b, b};
      server.start(dtls_role::server, "sha-256", cert_a->fingerprint_sha256());
      client.start(dtls_role::client, "sha-256", cert_b->fingerprint_sha256());
      for (int round = 0; round < 4; ++round) {
        deliver(a, server);
        deliver(b, client);
      }
      if (!a.connected || !b.connected) {
        state.SkipWithError("handshake failed");
        break;
      }
      heap_per_transport = (mallinfo2().uordblks - before) / 2;
    }
  }
  state.counters["heap_per_transport"] = static_cast<double>(heap_per_transport);
}

}  // namespace

BENCHMARK(dtls_srtp_handshake)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(protect, aead_aes_128_gcm, srtp_profile::aead_aes_128_gcm);
BENCHMARK_CAPTURE(unprotect, aead_aes_128_gcm, srtp_profile::aead_aes_128_gcm);
BENCHMARK_CAPTURE(protect, aes_cm_128_hmac_sha1_80, srtp_profile::aes_cm_128_hmac_sha1_80);
BENCHMARK_CAPTURE(unprotect, aes_cm_128_hmac_sha1_80, srtp_profile::aes_cm_128_hmac_sha1_80);
BENCHMARK(copy_only);

BENCHMARK_MAIN();
