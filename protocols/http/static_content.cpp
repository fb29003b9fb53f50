// Loading of the statically served files.
#include "protocols/http/static_content.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace wrtc::http {

namespace {

constexpr std::uintmax_t max_file_bytes = 2 * 1024 * 1024;

const char* content_type_of(const std::string& ext) {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".json") return "application/json";
  return nullptr;
}

}  // namespace

std::shared_ptr<const static_content> static_content::load(const std::string& folder,
                                                           std::string& error) {
  namespace fs = std::filesystem;
  auto result = std::make_shared<static_content>();
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    error = "not a folder: " + folder;
    return nullptr;
  }
  for (const auto& entry : fs::directory_iterator{folder, ec}) {
    if (!entry.is_regular_file(ec)) continue;
    auto type = content_type_of(entry.path().extension().string());
    if (type == nullptr) continue;
    if (entry.file_size(ec) > max_file_bytes) {
      error = "file too large to serve: " + entry.path().string();
      return nullptr;
    }
    std::ifstream in{entry.path(), std::ios::binary};
    std::ostringstream body;
    body << in.rdbuf();
    result->files_[entry.path().filename().string()] = file{type, body.str()};
  }
  if (ec) {
    error = "cannot read " + folder + ": " + ec.message();
    return nullptr;
  }
  return result;
}

const static_content::file* static_content::find(const std::string& name) const {
  auto i = files_.find(name);
  return i == files_.end() ? nullptr : &i->second;
}

}  // namespace wrtc::http
