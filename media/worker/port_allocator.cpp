// The media port range of the process, shared by every worker.
#include "media/worker/port_allocator.hpp"

namespace wrtc::media {

port_allocator::port_allocator(uint16_t port_min, uint16_t port_max)
    : port_min_(port_min),
      used_(port_min <= port_max ? static_cast<size_t>(port_max - port_min) + 1 : 0, false) {
  // nop
}

std::optional<uint16_t> port_allocator::acquire() {
  std::lock_guard<std::mutex> guard{mutex_};
  auto n = used_.size();
  for (size_t i = 0; i < n; ++i) {
    auto idx = (cursor_ + i) % n;
    if (!used_[idx]) {
      used_[idx] = true;
      ++in_use_;
      cursor_ = (idx + 1) % n;
      return static_cast<uint16_t>(port_min_ + idx);
    }
  }
  return std::nullopt;
}

std::optional<uint16_t> port_allocator::acquire_pair() {
  std::lock_guard<std::mutex> guard{mutex_};
  auto n = used_.size();
  for (size_t i = 0; i < n; ++i) {
    auto idx = (cursor_ + i) % n;
    auto port = static_cast<uint32_t>(port_min_) + idx;
    if (port % 2 != 0 || idx + 1 >= n) continue;
    if (!used_[idx] && !used_[idx + 1]) {
      used_[idx] = used_[idx + 1] = true;
      in_use_ += 2;
      cursor_ = (idx + 2) % n;
      return static_cast<uint16_t>(port);
    }
  }
  return std::nullopt;
}

void port_allocator::release(uint16_t port) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (port < port_min_) return;
  size_t idx = port - port_min_;
  if (idx >= used_.size() || !used_[idx]) return;
  used_[idx] = false;
  --in_use_;
}

size_t port_allocator::in_use() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return in_use_;
}

}  // namespace wrtc::media
