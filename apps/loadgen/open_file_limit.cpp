// Raising RLIMIT_NOFILE.
#include "apps/loadgen/open_file_limit.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace wrtc::loadgen {

open_file_limit::state open_file_limit::raise_to_hard() {
  state out;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    out.error = std::string{"getrlimit(RLIMIT_NOFILE): "} + std::strerror(errno);
    return out;
  }
  out.soft = limit.rlim_cur;
  out.hard = limit.rlim_max;
  if (limit.rlim_cur == limit.rlim_max) {
    return out;
  }
  // An unlimited hard limit cannot be the soft one for files: the kernel caps at nr_open.
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    out.error = std::string{"setrlimit(RLIMIT_NOFILE): "} + std::strerror(errno);
    return out;
  }
  out.soft = limit.rlim_cur;
  return out;
}

}  // namespace wrtc::loadgen
