// Reads recorded API answers from tests/platforms/data/.
#ifndef HERALD_TESTS_PLATFORMS_SUPPORT_SOCIAL_FIXTURES_H_
#define HERALD_TESTS_PLATFORMS_SUPPORT_SOCIAL_FIXTURES_H_

#include <fstream>
#include <sstream>
#include <string>

namespace herald::testing {

inline std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(HERALD_SOCIAL_TEST_DATA) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace herald::testing

#endif  // HERALD_TESTS_PLATFORMS_SUPPORT_SOCIAL_FIXTURES_H_
