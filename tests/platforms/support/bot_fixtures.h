// Recorded API answers under tests/platforms/data/, for the wire-mapping tests.
#ifndef HERALD_TESTS_PLATFORMS_SUPPORT_BOT_FIXTURES_H_
#define HERALD_TESTS_PLATFORMS_SUPPORT_BOT_FIXTURES_H_

#include <string>
#include <string_view>

#include "base/json.h"

namespace herald::platforms::fixtures {

// The bytes of data/<relative_path>; fails the test (and returns "") when missing.
std::string ReadFixture(std::string_view relative_path);
// The same, parsed as JSON.
base::Json FixtureJson(std::string_view relative_path);

}  // namespace herald::platforms::fixtures

#endif  // HERALD_TESTS_PLATFORMS_SUPPORT_BOT_FIXTURES_H_
