#include "http/server.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "http/request_head.h"

namespace storybot::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Errors that mean the peer went away or a deadline passed: close quietly.
bool IsDisconnect(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
         ec == net::error::operation_aborted || ec == net::error::connection_reset ||
         ec == net::error::eof || ec == net::error::broken_pipe ||
         ec == bhttp::error::partial_message;
}

}  // namespace

class Session;

struct Server::Impl {
  Impl(ServerOptions o, std::function<void(const ExchangePtr&)> h, Logger& l)
      : options(std::move(o)), handle(std::move(h)), logger(l) {}

  void Accept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void BeginShutdown();
  void PollDrain();
  void Register(Session* session, std::weak_ptr<Session> weak);
  void Unregister(Session* session);

  // Declared before the io_context: sessions destroyed with it still unregister here.
  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  ServerOptions options;
  std::function<void(const ExchangePtr&)> handle;
  Logger& logger;
  std::atomic<bool> stopping{false};
  std::chrono::steady_clock::time_point drain_deadline;

  net::io_context ioc{options.threads};
  tcp::acceptor acceptor{net::make_strand(ioc)};
  net::steady_timer accept_backoff{acceptor.get_executor()};
  net::steady_timer drain_timer{acceptor.get_executor()};
  net::signal_set signals{acceptor.get_executor()};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Server::Impl& server)
      : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    remote_ip_ = stream_.socket().remote_endpoint(ec).address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }
  ~Session() { server_.Unregister(this); }

  void Start() {
    server_.Register(this, weak_from_this());
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // During shutdown: a connection waiting for its next request is closed now; one in the middle
  // of a request finishes it and closes after the response.
  void CloseIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_) self->stream_.socket().close();
    });
  }

 private:
  const ServerOptions& options() const { return server_.options; }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(options().header_limit);
    parser_->body_limit(options().body_limit);
    idle_ = buffer_.size() == 0;
    if (idle_ && server_.stopping) return Close();
    if (idle_) return AwaitRequest();
    ReadRestOfHeader();
  }

  // A connection may wait `idle_timeout` for a request to begin, but once its first bytes are
  // in, the whole header must follow within `header_timeout`: a client dribbling its header a
  // byte at a time (slowloris) loses the connection then, not after the idle timeout.
  void AwaitRequest() {
    ArmDeadline(options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) return self->OnReadError(ec);
                              self->buffer_.commit(n);
                              self->ReadRestOfHeader();
                            });
  }

  // Every read and write runs under a deadline: when it passes, the socket is closed, which
  // ends the pending operation with an error and the session with it. (An explicit timer per
  // connection, because one absolute deadline must cover the many small reads of a header.)
  void ArmDeadline(std::chrono::seconds timeout) {
    deadline_.expires_after(timeout);
    deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      if (ec) return;  // re-armed or cancelled
      if (auto self = weak.lock()) {
        beast::error_code ignored;
        self->stream_.socket().close(ignored);
      }
    });
  }

  void ReadRestOfHeader() {
    ArmDeadline(options().header_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    idle_ = false;
    if (ec) return OnReadError(ec);
    const auto& header = parser_->get();
    version_ = std::min(header.version(), 11u);  // we answer 1.x requests as HTTP/1.1 at most
    fields_.clear();
    for (const auto& field : header) {
      fields_.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    // Framing, target and Host are checked before a byte of the body is read: a request whose
    // body cannot be delimited must not have that body parsed as the next request.
    RequestHeadVerdict verdict =
        CheckRequestHead({header.version(), header.method_string(), header.target(), fields_});
    if (verdict.error) return SendEarlyError(std::move(*verdict.error));
    target_ = std::move(verdict.target);
    host_ = std::move(verdict.host);
    const auto length = parser_->content_length();
    if (length && *length > options().body_limit) return RejectBody();
    ArmDeadline(options().request_timeout);
    if (beast::iequals(header[bhttp::field::expect], "100-continue")) {
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                       header.version());
      bhttp::async_write(stream_, *cont,
                         [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
                           if (wec) return self->Close();
                           self->ReadBody();
                         });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::bad_version) return OnUnsupportedVersion();
    if (ec == bhttp::error::body_limit) return RejectBody();
    if (ec == bhttp::error::header_limit) {
      return SendEarlyError({431, "headers_too_large", "the request headers are too large"});
    }
    if (IsDisconnect(ec)) return Close();
    SendEarlyError({400, "bad_request", "malformed HTTP request: " + ec.message()});
  }

  // Beast parses only HTTP/1.0 and 1.1. A later 1.x minor is served as 1.1 (RFC 9110 §2.5): the
  // unparsed request line still sits in the buffer, so its minor digit is rewritten and the head
  // parsed again. Another major version gets 505; a malformed one 400.
  void OnUnsupportedVersion() {
    auto* data = static_cast<char*>(buffer_.data().data());
    const std::string_view pending(data, buffer_.size());
    const std::size_t eol = pending.find("\r\n");
    const std::size_t v = eol == std::string_view::npos || eol < 8 ? 0 : eol - 8;
    const std::string_view version = pending.substr(v, 8);
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    // (A line already ending in HTTP/1.0 or 1.1 failed for another reason: "GET /a b HTTP/1.1".)
    if (v == 0 || version.substr(0, 5) != "HTTP/" || !digit(version[5]) || version[6] != '.' ||
        !digit(version[7]) || (version[5] == '1' && version[7] < '2')) {
      return SendEarlyError({400, "bad_request", "malformed HTTP version in the request line"});
    }
    if (version[5] != '1') {
      return SendEarlyError(
          {505, "http_version_not_supported", "only HTTP/1.0 and HTTP/1.1 are served"});
    }
    data[v + 7] = '1';
    parser_.emplace();
    parser_->header_limit(options().header_limit);
    parser_->body_limit(options().body_limit);
    ReadRestOfHeader();
  }

  void RejectBody() { SendEarlyError({413, "payload_too_large", "the body is larger than 1 MiB"}); }

  // A request that could not be read still goes through the pipeline, so that it is logged,
  // counted and carries a trace id; the dispatcher answers with the error. Then we close.
  void SendEarlyError(EarlyError error) {
    keep_alive_ = false;
    Request request;
    if (parser_ && parser_->is_header_done()) {
      const auto& header = parser_->get();
      request.method = std::string(header.method_string());
      request.target = std::string(header.target());
      request.path = request.target.substr(0, request.target.find('?'));
      for (const auto& field : header) {
        request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
    }
    request.remote_ip = remote_ip_;
    auto ex = MakeExchange(std::move(request));
    ex->early_error = std::move(error);
    server_.handle(ex);
  }

  std::shared_ptr<Exchange> MakeExchange(Request request) {
    return std::make_shared<Exchange>(std::move(request), [self = shared_from_this()](Response r) {
      net::dispatch(self->stream_.get_executor(),
                    [self, r = std::move(r)]() mutable { self->Write(std::move(r)); });
    });
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec) return OnReadError(ec);
    deadline_.cancel();  // the handler may take its time (a slow LLM); Write re-arms
    auto& message = parser_->get();
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::move(target_);
    const std::size_t question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    // The header's fields only: fields of a chunked trailer are not merged into them.
    request.headers = std::move(fields_);
    SetHost(request.headers, host_);
    request.body = std::move(message.body());
    request.remote_ip = remote_ip_;
    keep_alive_ = message.keep_alive();
    head_ = message.method() == bhttp::verb::head;
    server_.handle(MakeExchange(std::move(request)));
  }

  // The one Host the handlers see: an absolute-form target's authority replaces the field.
  static void SetHost(Headers& headers, const std::string& host) {
    for (auto& [name, value] : headers) {
      if (beast::iequals(name, "Host")) {
        value = host;
        return;
      }
    }
    if (!host.empty()) headers.emplace_back("Host", host);
  }

  void Write(Response response) {
    auto message = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(response.status), version_);
    for (auto& [name, value] : response.headers) message->set(name, value);
    message->body() = std::move(response.body);
    message->keep_alive(keep_alive_ && !server_.stopping);
    message->prepare_payload();
    if (head_) message->body().clear();
    ArmDeadline(options().request_timeout);
    bhttp::async_write(stream_, *message,
                       [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
                         if (ec) return self->Close();
                         if (!message->keep_alive()) return self->Linger();
                         self->ReadHeader();
                       });
  }

  // After a final response on a connection we close: stop sending, then read and drop what the
  // client still sends for a moment, so it sees our answer instead of a reset.
  void Linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    ArmDeadline(std::chrono::seconds(2));
    Drain();
  }

  void Drain() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              // A client still pushing a huge body gets cut off, not read.
                              if (ec || self->drained_ > kMaxDrainBytes) return self->Close();
                              self->Drain();
                            });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  net::steady_timer deadline_{stream_.get_executor()};
  Server::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  static constexpr std::size_t kMaxDrainBytes = 4 * 1024 * 1024;
  std::array<char, 16 * 1024> discard_{};
  std::size_t drained_ = 0;
  std::string remote_ip_;
  Headers fields_;      // the current request's header fields, in order
  std::string target_;  // its origin-form target
  std::string host_;    // its authority
  bool keep_alive_ = true;
  bool head_ = false;
  bool idle_ = true;
  unsigned version_ = 11;
};

void Server::Impl::Register(Session* session, std::weak_ptr<Session> weak) {
  std::lock_guard lock(sessions_mutex);
  sessions.emplace(session, std::move(weak));
}

void Server::Impl::Unregister(Session* session) {
  std::lock_guard lock(sessions_mutex);
  sessions.erase(session);
}

void Server::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), beast::bind_front_handler(&Impl::OnAccept, this));
}

void Server::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (stopping) return;
  if (ec) {
    if (ec == net::error::operation_aborted) return;
    // Out of descriptors or memory: wait instead of spinning on accept.
    const bool exhausted = ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
                           ec == net::error::no_memory || ec.value() == ENFILE;
    logger.Log(LogLevel::kWarn, "accept failed",
               {{"error.message", std::string_view(ec.message())}});
    accept_backoff.expires_after(std::chrono::milliseconds(exhausted ? 100 : 10));
    accept_backoff.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && !stopping) Accept();
    });
    return;
  }
  std::make_shared<Session>(std::move(socket), *this)->Start();
  Accept();
}

void Server::Impl::BeginShutdown() {
  if (stopping.exchange(true)) return;
  beast::error_code ec;
  acceptor.close(ec);
  accept_backoff.cancel();
  signals.cancel();
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mutex);
    for (auto& [raw, weak] : sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->CloseIfIdle();
  drain_deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
  PollDrain();
}

void Server::Impl::PollDrain() {
  bool empty;
  {
    std::lock_guard lock(sessions_mutex);
    empty = sessions.empty();
  }
  if (empty || std::chrono::steady_clock::now() >= drain_deadline) {
    if (!empty) logger.Log(LogLevel::kWarn, "shutdown grace period over; closing open connections");
    ioc.stop();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds(20));
  drain_timer.async_wait([this](beast::error_code) { PollDrain(); });
}

Server::Server(ServerOptions options, std::function<void(const ExchangePtr&)> handle,
               Logger& logger)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(handle), logger)) {}

Server::~Server() = default;

Result<std::uint16_t> Server::Listen() {
  Impl& s = *impl_;
  beast::error_code ec;
  tcp::resolver resolver(s.ioc);
  const auto results =
      resolver.resolve(s.options.host, std::to_string(s.options.port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return Unavailable("cannot resolve listen address " + s.options.host + ": " + ec.message());
  }
  const tcp::endpoint endpoint = results.begin()->endpoint();
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen on " + s.options.host + ":" + std::to_string(s.options.port) +
                       ": " + ec.message());
  }
  return s.acceptor.local_endpoint().port();
}

void Server::StopOnSignals() {
  Impl& s = *impl_;
  s.signals.add(SIGINT);  // installs the handler now; the wait runs once Run() starts
  s.signals.add(SIGTERM);
  s.signals.async_wait([&s](beast::error_code ec, int signal) {
    if (ec) return;
    s.logger.Log(LogLevel::kInfo, "shutting down",
                 {{"process.signal", static_cast<std::int64_t>(signal)}});
    s.BeginShutdown();
  });
}

void Server::Run() {
  Impl& s = *impl_;
  net::dispatch(s.acceptor.get_executor(), [&s] { s.Accept(); });
  std::vector<std::thread> threads;
  for (int i = 1; i < s.options.threads; ++i) threads.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (std::thread& t : threads) t.join();
}

void Server::Shutdown() {
  Impl* s = impl_.get();
  net::post(s->acceptor.get_executor(), [s] { s->BeginShutdown(); });
}

}  // namespace storybot::http
