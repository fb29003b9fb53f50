// Reading an unlabelled sample from the Prometheus text format.
#include "apps/loadgen/prometheus_sample.hpp"

#include <cstdlib>
#include <string>

namespace wrtc::loadgen {

std::optional<double> prometheus_sample::find(std::string_view exposition, std::string_view name) {
  while (!exposition.empty()) {
    auto eol = exposition.find('\n');
    auto line = exposition.substr(0, eol);
    exposition.remove_prefix(eol == std::string_view::npos ? exposition.size() : eol + 1);
    if (line.size() <= name.size() || line.substr(0, name.size()) != name) {
      continue;
    }
    auto rest = line.substr(name.size());
    if (rest.front() != ' ' && rest.front() != '\t') {
      continue;  // another name, or labels
    }
    auto start = rest.find_first_not_of(" \t");
    if (start == std::string_view::npos) {
      return std::nullopt;
    }
    rest.remove_prefix(start);
    auto value_text = std::string{rest.substr(0, rest.find_first_of(" \t\r"))};
    char* end = nullptr;
    double value = std::strtod(value_text.c_str(), &end);
    if (end == value_text.c_str() || *end != '\0') {
      return std::nullopt;
    }
    return value;
  }
  return std::nullopt;
}

}  // namespace wrtc::loadgen
