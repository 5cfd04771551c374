// Helpers for running the real herald binary in the CLI tests.
#ifndef HERALD_TESTS_APP_CLI_SUPPORT_H_
#define HERALD_TESTS_APP_CLI_SUPPORT_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/store/test_support.h"

namespace herald::cli_testing {

using store::testing::RunResult;

// Runs herald with `args`; the environment carries no HERALD_* settings from outside except
// those given in `env`.
inline RunResult Herald(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env = {}) {
  std::vector<std::string> argv{HERALD_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::map<std::string, std::string> full{{"HERALD_SECRET_KEY", ""}, {"HERALD_SECRET_KEYS_OLD", ""},
                                          {"HERALD_DB", ""}, {"HERALD_DATA", ""}};
  for (const auto& [k, v] : env) full[k] = v;
  return store::testing::Run(argv, full, std::chrono::seconds(60));
}

inline size_t Lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A user error: exactly one line on stderr starting "herald: ", nothing on stdout, exit 2.
inline void ExpectOneLineError(const RunResult& r, const std::string& must_contain) {
  EXPECT_EQ(r.code, 2) << "stdout: " << r.out << "\nstderr: " << r.err;
  EXPECT_EQ(Lines(r.err), 1u) << r.err;
  EXPECT_TRUE(r.err.starts_with("herald: ")) << r.err;
  EXPECT_NE(r.err.find(must_contain), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

}  // namespace herald::cli_testing

#endif  // HERALD_TESTS_APP_CLI_SUPPORT_H_
