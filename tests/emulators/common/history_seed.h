// HistorySeed: posts made "in the past" on an emulated network, with known engagement, so that
// history import and best-time tests have an account history to read.
//
// The seed format, shared by every emulator that serves history (POST
// /__emulator/<network>/history; Mastodon and Bluesky today):
//   {"account": "<the network's account id, did or username>",
//    "count": 60,                  // posts to make (at most 1000), newest first
//    "days": 28,                   // spread over the past N days (default 28)
//    "hours": [9, 14, 19],         // UTC hours of the day posts go out (default [9, 14, 19])
//    "base": {"likes": 2, "reposts": 1, "replies": 1, "quotes": 0},  // engagement of a post
//    "peak": {"weekday": 2, "hour": 14, "factor": 10},  // ISO weekday 1 = Monday .. 7 =
//                                  // Sunday, UTC hour: posts in that slot get base x factor
//    "posts": [{"text", "created_at" (RFC 3339), "likes", "reposts", "replies", "quotes"}]}
//                                  // exact posts instead of (or besides) the generated ones
// Generated posts go out at each of `hours` on each of the past `days` days (today's hours
// that are still ahead are skipped), newest first, until `count` are made; their text is
// "history post <n> (<weekday> <hour>h UTC)". The answer is {"created": N, "ids": [...]}.
#ifndef HERALD_TESTS_EMULATORS_COMMON_HISTORY_SEED_H_
#define HERALD_TESTS_EMULATORS_COMMON_HISTORY_SEED_H_

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "tests/emulators/common/post_ledger.h"

namespace herald::emulators {

struct SeedPost {
  base::Time created_at{};
  std::string text;
  Json metrics = Json::object();  // {"likes", "reposts", "replies", "quotes"}
};

// The posts a seed body asks for, as of `now`. Errors: kInvalidArgument naming the field.
base::Result<std::vector<SeedPost>> PlanHistorySeed(const Json& body, base::Time now);

// The live posts of `account` in the ledger, newest first (created_at, then creation order).
std::vector<CreatedPost> AuthorPosts(const PostLedger& ledger, const std::string& account);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_COMMON_HISTORY_SEED_H_
