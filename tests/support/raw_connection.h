#pragma once
// A raw TCP connection to 127.0.0.1, for what an HTTP library would hide or refuse to send:
// dribbled headers, pipelining, endless bodies, malformed framing.
#include <string>
#include <string_view>

namespace storybot::test {

class RawConnection {
 public:
  // `base_url` is "http://127.0.0.1:PORT"; every receive and send waits at most `timeout_s`.
  explicit RawConnection(const std::string& base_url, int timeout_s = 10);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  bool Send(std::string_view data);
  // Everything until the peer closes (or the timeout).
  std::string ReadAll();
  // Reads until `needle` appears (or close/timeout); returns everything read.
  std::string ReadUntil(std::string_view needle);

 private:
  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace storybot::test
