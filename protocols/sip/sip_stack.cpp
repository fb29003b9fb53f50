// Public face of the SIP stack: sofia-sip nua on its own thread, driven through a command queue.
#include "protocols/sip/sip_stack.hpp"

#include <pthread.h>
#include <sofia-sip/su.h>

#include <exception>
#include <utility>

#include "protocols/sip/sip_call_handler.hpp"
#include "protocols/sip/sip_command_queue.hpp"
#include "protocols/sip/sip_registrar_client.hpp"
#include "protocols/sip/sofia_agent.hpp"

namespace wrtc::sip {

std::unique_ptr<sip_stack> sip_stack::start(const sip_stack_config& cfg,
                                            registration_listener listener, std::string& error) {
  return start(cfg, std::move(listener), call_listener{}, error);
}

std::unique_ptr<sip_stack> sip_stack::start(const sip_stack_config& cfg,
                                            registration_listener registrations,
                                            call_listener calls, std::string& error) {
  std::unique_ptr<sip_stack> stack(new sip_stack(cfg, std::move(registrations), std::move(calls)));
  if (!stack->commands_->valid()) {
    error = "cannot create the SIP command eventfd";
    return nullptr;
  }
  std::promise<std::string> started;
  std::future<std::string> outcome = started.get_future();
  // The promise moves into the thread so that it outlives set_value() whatever start() does.
  stack->thread_ = std::thread(
      [raw = stack.get(), promise = std::move(started)]() mutable { raw->run(promise); });
  error = outcome.get();
  if (!error.empty()) {
    // The thread has released everything sofia and is about to return.
    stack->thread_.join();
    return nullptr;
  }
  return stack;
}

sip_stack::sip_stack(const sip_stack_config& cfg, registration_listener listener,
                     call_listener calls)
    : cfg_(cfg),
      listener_(std::move(listener)),
      call_listener_(std::move(calls)),
      commands_(std::make_unique<sip_command_queue>()) {
  // nop
}

sip_stack::~sip_stack() {
  if (!thread_.joinable()) {
    return;
  }
  // When the queue is already closed the thread is on its way out by itself.
  commands_->post([this] { stop_on_sip_thread(); });
  thread_.join();
}

void sip_stack::register_aor(registration_request r) {
  post([this, r = std::move(r)]() mutable {
    if (registrar_) {
      registrar_->register_aor(std::move(r));
    }
  });
}

void sip_stack::unregister(uint64_t id) {
  post([this, id] {
    if (registrar_) {
      registrar_->unregister(id);
    }
  });
}

void sip_stack::cancel(uint64_t id) {
  post([this, id] {
    if (registrar_) {
      registrar_->cancel(id);
    }
  });
}

void sip_stack::invite(outgoing_call c) {
  post([this, c = std::move(c)]() mutable {
    if (calls_) {
      calls_->invite(std::move(c));
    }
  });
}

void sip_stack::answer(uint64_t call_id, std::string sdp) {
  post([this, call_id, sdp = std::move(sdp)] {
    if (calls_) {
      calls_->answer(call_id, sdp);
    }
  });
}

void sip_stack::respond(uint64_t call_id, int status, std::string phrase) {
  respond(call_id, status, std::move(phrase), std::string{});
}

void sip_stack::respond(uint64_t call_id, int status, std::string phrase, std::string sdp) {
  post([this, call_id, status, phrase = std::move(phrase), sdp = std::move(sdp)] {
    if (calls_) {
      calls_->respond(call_id, status, phrase, sdp);
    }
  });
}

void sip_stack::hangup(uint64_t call_id) {
  post([this, call_id] {
    if (calls_) {
      calls_->hangup(call_id);
    }
  });
}

void sip_stack::answer_reinvite(uint64_t call_id, std::string sdp) {
  post([this, call_id, sdp = std::move(sdp)] {
    if (calls_) {
      calls_->answer_reinvite(call_id, sdp);
    }
  });
}

void sip_stack::respond_reinvite(uint64_t call_id, int status, std::string phrase) {
  post([this, call_id, status, phrase = std::move(phrase)] {
    if (calls_) {
      calls_->respond_reinvite(call_id, status, phrase);
    }
  });
}

void sip_stack::post(std::function<void()> work) {
  // Dropped silently once the stack is stopping: nothing would report on it anyway.
  commands_->post([this, work = std::move(work)] {
    try {
      work();
    } catch (const std::exception& e) {
      agent_->log("error", std::string("SIP command failed: ") + e.what());
    } catch (...) {
      agent_->log("error", "SIP command failed");
    }
  });
}

void sip_stack::run(std::promise<std::string>& started) {
  pthread_setname_np(pthread_self(), "wrtc-sip");
  // Ignores SIGPIPE process-wide and makes su_home allocations thread-safe; idempotent.
  su_init();
  std::string error;
  try {
    agent_ = std::make_unique<sofia_agent>(cfg_);
    if (agent_->open(error)) {
      registrar_ =
          std::make_unique<sip_registrar_client>(*agent_, cfg_.register_expires, listener_);
      calls_ = std::make_unique<sip_call_handler>(*agent_, cfg_.invite_timeout, cfg_.answer_timeout,
                                                  call_listener_);
      // Without a listener nobody could answer: the agent's own 480 fallback stays in place.
      if (call_listener_) {
        agent_->set_inbound_sink(calls_.get());
      }
      if (!commands_->attach(agent_->root())) {
        error = "cannot watch the SIP command eventfd";
      }
    } else if (error.empty()) {
      error = "cannot start the SIP stack";
    }
  } catch (const std::exception& e) {
    error = std::string("cannot start the SIP stack: ") + e.what();
  }

  if (error.empty()) {
    port_ = agent_->port();
    contact_host_ = agent_->contact_host();
    started.set_value({});
    // Returns after stop_on_sip_thread() and nua's shutdown.
    agent_->run();
  }

  commands_->close();
  if (agent_) {
    agent_->set_inbound_sink(nullptr);
  }
  calls_.reset();
  registrar_.reset();
  agent_.reset();
  su_deinit();
  if (!error.empty()) {
    started.set_value(error);
  }
}

void sip_stack::stop_on_sip_thread() {
  // Handles go first so that nua_shutdown() finds nothing to un-register and ends at once.
  if (calls_) {
    calls_->forget_all();
  }
  if (registrar_) {
    registrar_->forget_all();
  }
  agent_->set_inbound_sink(nullptr);
  calls_.reset();
  registrar_.reset();
  agent_->shutdown();
}

}  // namespace wrtc::sip
