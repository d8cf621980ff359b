// RFC 9112 request framing over raw sockets against the real binary: a body whose length cannot
// be determined is refused and the connection closed (never parsed as a second request), targets
// in absolute-form are served, Host is required once, and malformed field lines are refused.
#include <fstream>
#include <sstream>

#include "tests/integration/fixture.h"
#include "tests/support/raw_connection.h"

namespace storybot::test {
namespace {

using namespace std::string_literals;

class HttpFramingTest : public StorybotTest {
 protected:
  // Sends `request` on a fresh connection; returns everything until the server closes.
  std::string Exchange(const std::string& request) {
    RawConnection c(process_->base_url());
    EXPECT_TRUE(c.connected());
    c.Send(request);
    return c.ReadAll();
  }

  static int StatusOf(const std::string& answer) {
    if (answer.rfind("HTTP/1.1 ", 0) != 0 && answer.rfind("HTTP/1.0 ", 0) != 0) return -1;
    return std::stoi(answer.substr(9, 3));
  }

  // Every response carries a trace id; bodies may mention "HTTP/1.0", so count those.
  static int CountResponses(const std::string& answer) {
    int count = 0;
    for (std::size_t pos = answer.find("X-Trace-Id:"); pos != std::string::npos;
         pos = answer.find("X-Trace-Id:", pos + 1)) {
      ++count;
    }
    return count;
  }

  std::string AccessLog() {
    std::ifstream in(dir_.File("logs/storybot.ndjson"));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  const std::string smuggled_ = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
};

// The issue's reproduction: the body is a complete request. It must not be answered or logged.
TEST_F(HttpFramingTest, BodyOfAnUnframedRequestIsNeverASecondRequest) {
  const std::string answer =
      Exchange("POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n" + smuggled_);
  EXPECT_EQ(StatusOf(answer), 400) << answer;
  EXPECT_EQ(CountResponses(answer), 1) << answer;  // and then the server closed
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  EXPECT_EQ(Fetch("GET", Url("/healthz")).status, 200);
  EXPECT_EQ(AccessLog().find("/smuggled"), std::string::npos);
}

TEST_F(HttpFramingTest, ChunkedMustBeTheFinalTransferCodingAndAppearOnce) {
  struct Case {
    std::string field_lines;
    int status;
  };
  const Case cases[] = {
      {"Transfer-Encoding: chunked, identity\r\n", 400},
      {"Transfer-Encoding: xchunked\r\n", 400},
      {"Transfer-Encoding: identity\r\n", 400},
      {"Transfer-Encoding: \r\n", 400},
      {"Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", 400},
      {"Transfer-Encoding: chunked, chunked\r\n", 400},
      {"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", 400},
      {"Content-Length: 5\r\nTransfer-Encoding: gzip\r\n", 400},
      {"Transfer-Encoding: gzip, chunked\r\n", 501},
  };
  for (const Case& c : cases) {
    const std::string answer =
        Exchange("POST /healthz HTTP/1.1\r\nHost: x\r\n" + c.field_lines + "\r\n" + smuggled_);
    EXPECT_EQ(StatusOf(answer), c.status) << c.field_lines << answer;
    EXPECT_EQ(CountResponses(answer), 1) << c.field_lines << answer;
  }
  EXPECT_EQ(AccessLog().find("/smuggled"), std::string::npos);
}

TEST_F(HttpFramingTest, TransferEncodingInHttp10IsRefused) {
  const std::string answer =
      Exchange("POST /healthz HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled_);
  EXPECT_EQ(StatusOf(answer), 400) << answer;
  EXPECT_EQ(CountResponses(answer), 1) << answer;
}

TEST_F(HttpFramingTest, AChunkedBodyIsReadWholeAndTheConnectionServesOn) {
  const std::string body = R"({"title":"chunked","content":"a story about {{theme}}"})";
  std::ostringstream chunked;
  chunked << std::hex << 10 << "\r\n"
          << body.substr(0, 10) << "\r\n"
          << body.size() - 10 << "\r\n"
          << body.substr(10) << "\r\n0\r\n\r\n";
  const std::string answer =
      Exchange("POST /api/prompts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
               std::string(StorybotProcess::kToken) +
               "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
               chunked.str() + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(answer), 201) << answer;
  EXPECT_EQ(CountResponses(answer), 2) << answer;
  EXPECT_NE(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
  EXPECT_NE(Get("/api/prompts").body.find("chunked"), std::string::npos);
}

TEST_F(HttpFramingTest, ContentLengthMustBeOneNumber) {
  for (const std::string length : {"abc", "-1", "+5", "1, 2", "5 5"}) {
    const std::string answer =
        Exchange("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: " + length +
                 "\r\n\r\nhello" + smuggled_);
    EXPECT_EQ(StatusOf(answer), 400) << length << answer;
    EXPECT_EQ(CountResponses(answer), 1) << length << answer;
  }
  const std::string answer = Exchange(
      "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello");
  EXPECT_EQ(StatusOf(answer), 400) << answer;
}

TEST_F(HttpFramingTest, AbsoluteFormTargetsAreServed) {
  const std::string port = process_->base_url().substr(process_->base_url().rfind(':') + 1);
  std::string answer = Exchange("GET http://127.0.0.1:" + port +
                                "/healthz HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(answer), 200) << answer;
  EXPECT_NE(answer.find("\"ok\""), std::string::npos) << answer;
  // The scheme is case-insensitive and the query survives.
  answer = Exchange(
      "GET HTTP://localhost/api/prompts?limit=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
      std::string(StorybotProcess::kToken) + "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(answer), 200) << answer;
  // A userinfo part, another scheme, or no authority is refused.
  for (const std::string target :
       {"http://user@host/healthz", "ftp://host/healthz", "http:///healthz", "healthz"}) {
    answer = Exchange("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(StatusOf(answer), 400) << target << answer;
  }
}

TEST_F(HttpFramingTest, Http11NeedsExactlyOneValidHost) {
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n")), 400);
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")), 400);
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n")), 400);
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/1.1\r\nHost: a/b\r\n\r\n")), 400);
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/1.1\r\nHost: a:80x\r\n\r\n")), 400);
  // Well-formed hosts, and HTTP/1.0, which may omit Host.
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/1.1\r\nHost: [::1]:8080\r\n"
                              "Connection: close\r\n\r\n")),
            200);
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/1.1\r\nHost: storybot.example:443\r\n"
                              "Connection: close\r\n\r\n")),
            200);
  const std::string old = Exchange("GET /healthz HTTP/1.0\r\n\r\n");
  EXPECT_EQ(old.rfind("HTTP/1.0 200", 0), 0u) << old;
}

TEST_F(HttpFramingTest, OnlyHttp1IsServed) {
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n")), 505);
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/1.x\r\nHost: x\r\n\r\n")), 400);
  // A later 1.x minor version is answered as HTTP/1.1 (RFC 9110 §2.5).
  const std::string answer =
      Exchange("GET /healthz HTTP/1.2\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(answer), 200) << answer;
}

TEST_F(HttpFramingTest, MalformedFieldLinesAreRefused) {
  const std::string cases[] = {
      "GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n",  // space before the colon
      // An obs-fold is replaced by a space (RFC 9112 §5.2), so a folded coding list is one bad
      // coding, not "chunked" and then another line.
      "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n gzip\r\n\r\n0\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX\x01Y: a\r\n\r\n",  // a control in a name
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\0"
      "b\r\n\r\n"s,                                    // NUL in a value
      "GET /health z HTTP/1.1\r\nHost: x\r\n\r\n",     // space in the target
      "GET /healthz#top HTTP/1.1\r\nHost: x\r\n\r\n",  // a fragment
  };
  for (const std::string& request : cases) {
    const std::string answer = Exchange(request);
    EXPECT_EQ(StatusOf(answer), 400) << request << answer;
    EXPECT_EQ(CountResponses(answer), 1) << request << answer;
  }
}

}  // namespace
}  // namespace storybot::test
