// Files served as-is by the signalling server (the browser client and the demo page), held in memory.
#pragma once

#include <map>
#include <memory>
#include <string>

namespace wrtc::http {

/// An immutable set of files loaded once at start-up. Lookups never touch the file system, so a
/// request path can never escape the folder.
class static_content {
 public:
  struct file {
    std::string content_type;
    std::string body;
  };

  /// Loads the regular files directly inside `folder` with a known type (.html .js .css .svg
  /// .png .ico .json), each at most 2 MiB. Returns nullptr and fills `error` on failure.
  static std::shared_ptr<const static_content> load(const std::string& folder, std::string& error);

  /// The file named `name` (no slashes), or nullptr.
  const file* find(const std::string& name) const;

  std::size_t size() const { return files_.size(); }

 private:
  std::map<std::string, file> files_;
};

}  // namespace wrtc::http
