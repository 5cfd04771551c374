#include "platforms/kit/oauth_scopes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/result_matchers.h"

namespace herald::platforms {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(OAuthScopes, SplitsAtSpacesAndCommas) {
  EXPECT_THAT(SplitScopes("a b,c, d  "), ElementsAre("a", "b", "c", "d"));
  EXPECT_THAT(SplitScopes(""), IsEmpty());
  EXPECT_TRUE(HasScope("read,write", "write"));
  EXPECT_FALSE(HasScope("read,write", "writ"));
  EXPECT_FALSE(HasScope("", "read"));
}

TEST(OAuthScopes, MissingKeepsTheRequiredOrder) {
  EXPECT_THAT(MissingScopes("c a", {"a", "b", "c", "d"}), ElementsAre("b", "d"));
  EXPECT_THAT(MissingScopes("a,b", {"a", "b"}), IsEmpty());
}

TEST(OAuthScopes, RequireNamesWhatIsMissingInTheUsersWords) {
  EXPECT_THAT(RequireScopes("a", {}, "X"), matchers::IsOk());
  EXPECT_THAT(RequireScopes("", {"b"}, "X"), matchers::IsOk());  // the network did not say
  base::Result<void> r = RequireScopes("a", {"b", "c"}, "Google", "channel");
  EXPECT_THAT(r, matchers::StatusIs(base::ErrorCode::kFailedPrecondition));
  EXPECT_THAT(r.error().message(),
              HasSubstr("Google granted herald only \"a\"; herald also needs b, c: connect the "
                        "channel again"));
}

}  // namespace
}  // namespace herald::platforms
