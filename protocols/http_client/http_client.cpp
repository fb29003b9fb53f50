// libcurl multi-handle client on a dedicated thread.
#include "protocols/http_client/http_client.hpp"

#include <curl/curl.h>

#include <unordered_map>

namespace wrtc::http_client {

struct http_client::transfer {
  outgoing_request req;
  completion done;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  std::string body;
  std::size_t max_bytes = 0;
  bool truncated = false;
  char error_buf[CURL_ERROR_SIZE] = {};

  ~transfer() {
    if (header_list != nullptr) curl_slist_free_all(header_list);
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

namespace {

std::size_t on_body(char* ptr, std::size_t size, std::size_t nmemb, void* userdata) {
  auto* t = static_cast<http_client::transfer*>(userdata);
  auto n = size * nmemb;
  if (t->body.size() + n > t->max_bytes) {
    t->truncated = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->body.append(ptr, n);
  return n;
}

struct curl_global {
  curl_global() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

}  // namespace

http_client::http_client(std::size_t max_response_bytes)
    : max_response_bytes_(max_response_bytes) {
  static curl_global global;
  multi_ = curl_multi_init();
  curl_multi_setopt(static_cast<CURLM*>(multi_), CURLMOPT_MAX_HOST_CONNECTIONS, 64L);
  thread_ = std::thread{[this] { run(); }};
}

http_client::~http_client() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
  thread_.join();
  curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

void http_client::fetch(outgoing_request req, completion done) {
  auto t = std::make_unique<transfer>();
  t->req = std::move(req);
  t->done = std::move(done);
  t->max_bytes = max_response_bytes_;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!stopping_) {
      incoming_.emplace_back(std::move(t));
    }
  }
  if (t) {  // stopping: fail at once rather than lose the callback
    incoming_response r;
    r.error = "client stopped";
    t->done(std::move(r));
    return;
  }
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
}

void http_client::run() {
  auto* multi = static_cast<CURLM*>(multi_);
  std::unordered_map<CURL*, std::unique_ptr<transfer>> active;
  auto finish = [&](CURL* easy, CURLcode code) {
    auto i = active.find(easy);
    if (i == active.end()) return;
    auto t = std::move(i->second);
    active.erase(i);
    curl_multi_remove_handle(multi, easy);
    incoming_response r;
    if (code == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      r.status = static_cast<int>(status);
      r.body = std::move(t->body);
    } else {
      r.timed_out = code == CURLE_OPERATION_TIMEDOUT;
      r.error = t->truncated ? std::string{"response body too large"}
                             : (t->error_buf[0] != 0 ? std::string{t->error_buf}
                                                     : std::string{curl_easy_strerror(code)});
    }
    t->done(std::move(r));
  };
  for (;;) {
    std::vector<std::unique_ptr<transfer>> batch;
    bool stop = false;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      batch.swap(incoming_);
      stop = stopping_;
    }
    for (auto& t : batch) {
      auto* easy = curl_easy_init();
      t->easy = easy;
      curl_easy_setopt(easy, CURLOPT_URL, t->req.url.c_str());
      curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(t->req.timeout.count()));
      curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(t->req.timeout.count()));
      curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
      curl_easy_setopt(easy, CURLOPT_WRITEDATA, t.get());
      curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->error_buf);
      curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
      if (t->req.method == "POST") {
        curl_easy_setopt(easy, CURLOPT_POST, 1L);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(t->req.body.size()));
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, t->req.body.c_str());
      } else if (t->req.method != "GET") {
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, t->req.method.c_str());
        if (!t->req.body.empty()) {
          curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(t->req.body.size()));
          curl_easy_setopt(easy, CURLOPT_POSTFIELDS, t->req.body.c_str());
        }
      }
      for (const auto& h : t->req.headers) t->header_list = curl_slist_append(t->header_list, h.c_str());
      if (t->header_list != nullptr) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->header_list);
      if (!t->req.basic_user.empty()) {
        curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(easy, CURLOPT_USERNAME, t->req.basic_user.c_str());
        curl_easy_setopt(easy, CURLOPT_PASSWORD, t->req.basic_password.c_str());
      }
      curl_multi_add_handle(multi, easy);
      active.emplace(easy, std::move(t));
    }
    if (stop) {
      std::vector<CURL*> handles;
      for (auto& kv : active) handles.push_back(kv.first);
      for (auto* easy : handles) finish(easy, CURLE_ABORTED_BY_CALLBACK);
      return;
    }
    int running = 0;
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg == CURLMSG_DONE) finish(msg->easy_handle, msg->data.result);
    }
    int fds = 0;
    curl_multi_poll(multi, nullptr, 0, 1000, &fds);
  }
}

}  // namespace wrtc::http_client
