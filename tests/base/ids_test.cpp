#include "base/ids.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace herald::base {
namespace {

TEST(IdsTest, ShapeAndPrefix) {
  std::string id = NewId(kPostPrefix);
  EXPECT_EQ(id.substr(0, 5), "post_");
  EXPECT_EQ(id.size(), 5u + 26u);
  EXPECT_TRUE(IsValidId(id, kPostPrefix));
  EXPECT_FALSE(IsValidId(id, kAccountPrefix));
  EXPECT_FALSE(IsValidId("post_short", kPostPrefix));
  EXPECT_FALSE(IsValidId("post_0123456789ABCDEFGHJKMNPQRI", kPostPrefix));  // 'I' not allowed
}

TEST(IdsTest, SortableAcrossTimeAndWithinOneMillisecond) {
  FakeClock clock;
  std::string previous = NewId("x", clock.Now());
  for (int i = 0; i < 2000; ++i) {
    if (i % 100 == 0) clock.Advance(std::chrono::milliseconds(1));
    std::string next = NewId("x", clock.Now());
    ASSERT_LT(previous, next) << "at " << i;
    previous = next;
  }
}

TEST(IdsTest, UniqueAcrossThreads) {
  std::vector<std::vector<std::string>> made(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&made, t] {
      for (int i = 0; i < 5000; ++i) made[static_cast<size_t>(t)].push_back(NewId("job"));
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& v : made) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 20000u);
}

}  // namespace
}  // namespace herald::base
