#include "tests/platforms/support/bot_fixtures.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace herald::platforms::fixtures {

std::string ReadFixture(std::string_view relative_path) {
  const std::string path = std::string(HERALD_BOTS_TEST_DATA) + "/" + std::string(relative_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "missing fixture " << path;
    return "";
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

base::Json FixtureJson(std::string_view relative_path) {
  auto parsed = base::ParseJson(ReadFixture(relative_path));
  if (!parsed.ok()) {
    ADD_FAILURE() << "fixture " << relative_path << ": " << parsed.error().ToString();
    return base::Json();
  }
  return *parsed;
}

}  // namespace herald::platforms::fixtures
