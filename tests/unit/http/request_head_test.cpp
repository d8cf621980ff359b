// CheckRequestHead: the RFC 9112 head rules, one verdict per case.
#include "http/request_head.h"

#include <gtest/gtest.h>

namespace storybot::http {
namespace {

RequestHeadVerdict Check(const Headers& headers, std::string_view target = "/healthz",
                         unsigned version = 11, std::string_view method = "POST") {
  return CheckRequestHead({version, method, target, headers});
}

int StatusOf(const RequestHeadVerdict& v) { return v.error ? v.error->status : 0; }

TEST(RequestHeadTest, OriginFormWithOneHostPasses) {
  const auto v = Check({{"Host", "storybot.example:8080"}}, "/api/prompts?limit=5");
  EXPECT_FALSE(v.error);
  EXPECT_EQ(v.target, "/api/prompts?limit=5");
  EXPECT_EQ(v.host, "storybot.example:8080");
}

TEST(RequestHeadTest, TransferEncodingMustEndInOneChunked) {
  struct Case {
    Headers headers;
    int status;
  };
  const Case cases[] = {
      {{{"Host", "x"}, {"Transfer-Encoding", "chunked"}}, 0},
      {{{"Host", "x"}, {"Transfer-Encoding", "Chunked"}}, 0},  // coding names are case-insensitive
      {{{"Host", "x"}, {"Transfer-Encoding", " , chunked ,"}}, 0},  // empty elements are ignored
      {{{"Host", "x"}, {"Transfer-Encoding", "gzip"}}, 400},
      {{{"Host", "x"}, {"Transfer-Encoding", "chunked, identity"}}, 400},
      {{{"Host", "x"}, {"Transfer-Encoding", "xchunked"}}, 400},
      {{{"Host", "x"}, {"Transfer-Encoding", "chunked;ext=1"}}, 400},
      {{{"Host", "x"}, {"Transfer-Encoding", ""}}, 400},
      {{{"Host", "x"}, {"Transfer-Encoding", "chunked, chunked"}}, 400},
      {{{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}, 400},
      {{{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "3"}}, 400},
      {{{"Host", "x"}, {"Content-Length", "3"}, {"Transfer-Encoding", "chunked"}}, 400},
      {{{"Host", "x"}, {"Transfer-Encoding", "gzip, chunked"}}, 501},
      {{{"Host", "x"}, {"Transfer-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}}, 501},
  };
  for (const Case& c : cases) {
    const auto v = Check(c.headers);
    std::string te;
    for (const auto& [name, value] : c.headers) te += name + ": " + value + "; ";
    EXPECT_EQ(StatusOf(v), c.status) << te;
  }
}

TEST(RequestHeadTest, Http10MayNotUseTransferEncodingButMayOmitHost) {
  EXPECT_EQ(StatusOf(Check({{"Transfer-Encoding", "chunked"}}, "/healthz", 10)), 400);
  EXPECT_EQ(StatusOf(Check({}, "/healthz", 10)), 0);
}

TEST(RequestHeadTest, HostIsRequiredOnceAndWellFormed) {
  EXPECT_EQ(StatusOf(Check({})), 400);
  EXPECT_EQ(StatusOf(Check({{"Host", "a"}, {"host", "a"}})), 400);
  EXPECT_EQ(StatusOf(Check({{"Host", ""}})), 0);  // valid: the target had no authority
  for (const char* bad : {"a b", "a/b", "user@a", "a:8o", "[::1", "[]", "a?b"}) {
    EXPECT_EQ(StatusOf(Check({{"Host", bad}})), 400) << bad;
  }
  for (const char* good : {"a", "a:", "127.0.0.1:8080", "[::1]", "[::1]:80", "xn--bcher-kva.ch"}) {
    EXPECT_EQ(StatusOf(Check({{"Host", good}})), 0) << good;
  }
}

TEST(RequestHeadTest, AbsoluteFormIsReducedToOriginFormAndItsAuthorityWins) {
  auto v = Check({{"Host", "ignored"}}, "http://127.0.0.1:8080/healthz?x=1");
  EXPECT_FALSE(v.error);
  EXPECT_EQ(v.target, "/healthz?x=1");
  EXPECT_EQ(v.host, "127.0.0.1:8080");
  v = Check({{"Host", "x"}}, "HTTPS://example.org");
  EXPECT_EQ(v.target, "/");
  v = Check({{"Host", "x"}}, "http://example.org?q");
  EXPECT_EQ(v.target, "/?q");
  for (const char* bad : {"http://user:pw@example.org/", "http:///x", "ftp://example.org/",
                          "example.org:80", "x", "/a#frag", "http://exa mple/"}) {
    EXPECT_EQ(StatusOf(Check({{"Host", "x"}}, bad)), 400) << bad;
  }
}

TEST(RequestHeadTest, AsteriskFormOnlyForOptions) {
  EXPECT_EQ(StatusOf(Check({{"Host", "x"}}, "*", 11, "OPTIONS")), 0);
  EXPECT_EQ(StatusOf(Check({{"Host", "x"}}, "*", 11, "GET")), 400);
}

TEST(RequestHeadTest, OnlyHttp1) {
  EXPECT_EQ(StatusOf(Check({{"Host", "x"}}, "/", 20)), 505);
  EXPECT_EQ(StatusOf(Check({{"Host", "x"}}, "/", 9)), 505);
  EXPECT_EQ(StatusOf(Check({{"Host", "x"}}, "/", 12)), 0);
}

}  // namespace
}  // namespace storybot::http
