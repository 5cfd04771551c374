// Best time to post on synthetic histories with a known peak: time zones, DST transitions,
// impressions, too little history (network defaults), and the free-slot picker.
#include "core/best_time.h"

#include <date/date.h>
#include <date/tz.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/best_slot.h"
#include "tests/support/result_matchers.h"

namespace herald::core {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using ::testing::HasSubstr;
using namespace date::literals;  // NOLINT

// The instant of local `day` at `hour`:`minute` in `zone` (the first one when ambiguous).
base::Time Local(std::string_view zone, date::local_days day, int hour, int minute = 0) {
  auto zt = date::make_zoned(date::locate_zone(std::string(zone)),
                             date::local_seconds(day) + std::chrono::hours(hour) +
                                 std::chrono::minutes(minute),
                             date::choose::earliest);
  return std::chrono::time_point_cast<base::Micros>(zt.get_sys_time());
}

// Posts every day from `first` for `days` days at 09:10, 13:10 and 18:10 local time, engagement
// 10 (with a little variation), except Tuesdays at 18:10 where it is 40: the known peak.
std::vector<HistoryPost> PeakOnTuesdayEvening(std::string_view zone, date::local_days first,
                                              int days) {
  std::vector<HistoryPost> history;
  for (int d = 0; d < days; ++d) {
    date::local_days day = first + date::days(d);
    bool tuesday = date::weekday(day) == date::Tuesday;
    for (int hour : {9, 13, 18}) {
      double engagement = 8 + (d * 7 + hour) % 5;  // 8..12
      if (tuesday && hour == 18) engagement = 40;
      history.push_back({.published_at = Local(zone, day, hour, 10), .engagement = engagement});
    }
  }
  return history;
}

TEST(BestTimeTest, FindsTheLocalPeakAcrossTheSpringDstChange) {
  // 1 February to 2 May 2026: Paris moves from +01:00 to +02:00 on 29 March.
  auto history = PeakOnTuesdayEvening("Europe/Paris", date::local_days(2026_y / 2 / 1), 91);
  auto answer = BestTimeToPost(history, {.time_zone = "Europe/Paris", .platform = "mastodon"});
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->source, BestTimeSource::kHistory);
  EXPECT_EQ(answer->metric, "engagement");
  EXPECT_EQ(answer->based_on_posts, 273);
  EXPECT_EQ(answer->confidence, BestTimeConfidence::kHigh);
  ASSERT_FALSE(answer->slots.empty());
  EXPECT_EQ(answer->slots[0].weekday, 2);
  EXPECT_EQ(answer->slots[0].hour, 18);
  EXPECT_EQ(answer->slots[0].posts, 13);
  EXPECT_GT(answer->slots[0].score, 3.0);
  EXPECT_LT(answer->slots[1].score, 1.5);
  EXPECT_THAT(answer->explanation, HasSubstr("Tuesday 18:00 (Europe/Paris) is best"));
}

TEST(BestTimeTest, InUtcTheSamePeakIsSplitByDst) {
  auto history = PeakOnTuesdayEvening("Europe/Paris", date::local_days(2026_y / 2 / 1), 91);
  auto answer = BestTimeToPost(history, {.time_zone = "UTC"});
  ASSERT_THAT(answer, IsOk());
  // 18:10 Paris is 17:10 UTC before 29 March and 16:10 UTC after: two weaker slots.
  ASSERT_GE(answer->slots.size(), 2u);
  EXPECT_EQ(answer->slots[0].weekday, 2);
  EXPECT_EQ(answer->slots[1].weekday, 2);
  EXPECT_THAT((std::vector<int>{answer->slots[0].hour, answer->slots[1].hour}),
              ::testing::UnorderedElementsAre(16, 17));
  EXPECT_LT(answer->slots[0].posts, 13);
}

TEST(BestTimeTest, FindsThePeakInNewYorkAcrossTheAutumnChange) {
  // 20 October to 13 November 2026: New York falls back on 1 November (01:00 occurs twice).
  auto history =
      PeakOnTuesdayEvening("America/New_York", date::local_days(2026_y / 10 / 20), 25);
  auto answer = BestTimeToPost(history, {.time_zone = "America/New_York"});
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->slots[0].weekday, 2);
  EXPECT_EQ(answer->slots[0].hour, 18);
  EXPECT_EQ(answer->slots[0].posts, 4);
  EXPECT_EQ(answer->confidence, BestTimeConfidence::kOk);  // 75 posts
}

TEST(BestTimeTest, TooLittleHistoryGivesTheNetworkDefaults) {
  auto history = PeakOnTuesdayEvening("UTC", date::local_days(2026_y / 3 / 2), 2);  // 6 posts
  auto answer = BestTimeToPost(history, {.time_zone = "Europe/Paris", .platform = "linkedin"});
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->source, BestTimeSource::kNetworkDefault);
  EXPECT_EQ(answer->confidence, BestTimeConfidence::kNone);
  EXPECT_EQ(answer->based_on_posts, 6);
  EXPECT_THAT(answer->explanation, HasSubstr("Only 6 posts"));
  EXPECT_THAT(answer->explanation, HasSubstr("not measured on this one"));
  ASSERT_FALSE(answer->slots.empty());
  EXPECT_EQ(answer->slots[0].posts, 0);
  EXPECT_EQ(answer->slots.size(), NetworkDefaultSlots("linkedin").size());
}

TEST(BestTimeTest, ThinSlotsGiveTheNetworkDefaults) {
  std::vector<HistoryPost> history;
  for (int h = 0; h < 20; ++h) {  // 20 posts, each in its own hour
    history.push_back({.published_at = Local("UTC", date::local_days(2026_y / 3 / 2), h),
                       .engagement = 5.0 + h});
  }
  auto answer = BestTimeToPost(history, {.time_zone = "UTC"});
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->source, BestTimeSource::kNetworkDefault);
  EXPECT_THAT(answer->explanation, HasSubstr("spread too thinly"));
}

TEST(BestTimeTest, NoEngagementAtAllGivesTheNetworkDefaults) {
  auto history = PeakOnTuesdayEvening("UTC", date::local_days(2026_y / 3 / 2), 14);
  for (HistoryPost& p : history) p.engagement = 0;
  auto answer = BestTimeToPost(history, {.time_zone = "UTC"});
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->source, BestTimeSource::kNetworkDefault);
  EXPECT_THAT(answer->explanation, HasSubstr("has any engagement"));
}

TEST(BestTimeTest, ImpressionsTurnEngagementIntoARate) {
  // Mornings draw more interactions only because they reach more people; evenings convert best.
  std::vector<HistoryPost> history;
  for (int d = 0; d < 20; ++d) {
    date::local_days day = date::local_days(2026_y / 3 / 2) + date::days(d * 7);  // Mondays
    history.push_back({.published_at = Local("UTC", day, 9), .engagement = 50,
                       .impressions = 5000});  // 1%
    history.push_back({.published_at = Local("UTC", day, 20), .engagement = 20,
                       .impressions = 500});  // 4%
  }
  auto answer = BestTimeToPost(history, {.time_zone = "UTC"});
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->metric, "engagement_rate");
  EXPECT_EQ(answer->slots[0].hour, 20);
  // Without impressions, raw engagement ranks the morning first.
  for (HistoryPost& p : history) p.impressions.reset();
  auto raw = BestTimeToPost(history, {.time_zone = "UTC"});
  ASSERT_THAT(raw, IsOk());
  EXPECT_EQ(raw->metric, "engagement");
  EXPECT_EQ(raw->slots[0].hour, 9);
}

TEST(BestTimeTest, ASmallHistoryHasLowConfidence) {
  auto history = PeakOnTuesdayEvening("UTC", date::local_days(2026_y / 3 / 2), 8);  // 24 posts
  auto answer = BestTimeToPost(history, {.time_zone = "UTC", .min_posts_per_slot = 2});
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->source, BestTimeSource::kHistory);
  EXPECT_EQ(answer->confidence, BestTimeConfidence::kLow);
  EXPECT_EQ(answer->based_on_posts, 24);
}

TEST(BestTimeTest, AnUnknownTimeZoneIsRefused) {
  EXPECT_THAT(BestTimeToPost({}, {.time_zone = "Mars/Olympus_Mons"}),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("timezone")));
}

BestTimeAnswer TwoSlots(std::string zone) {
  BestTimeAnswer a;
  a.source = BestTimeSource::kHistory;
  a.confidence = BestTimeConfidence::kOk;
  a.time_zone = std::move(zone);
  a.slots = {{.weekday = 2, .hour = 18, .posts = 9, .score = 3.2},
             {.weekday = 4, .hour = 9, .posts = 7, .score = 1.4}};
  return a;
}

TEST(BestSlotTest, PicksTheNextOccurrenceOfTheBestSlot) {
  // Friday 6 March 2026, noon in Paris; the next Tuesday 18:00 is 10 March, 17:00 UTC.
  SlotWindow window{.not_before = Local("Europe/Paris", date::local_days(2026_y / 3 / 6), 12),
                    .not_after = Local("Europe/Paris", date::local_days(2026_y / 3 / 20), 0)};
  auto picked = PickBestFreeSlot(TwoSlots("Europe/Paris"), window);
  ASSERT_THAT(picked, IsOk());
  EXPECT_EQ(picked->at, Local("UTC", date::local_days(2026_y / 3 / 10), 17));
  EXPECT_EQ(picked->rank, 1);
  EXPECT_THAT(picked->reason, HasSubstr("Tuesday 18:00 (Europe/Paris)"));
  EXPECT_THAT(picked->reason, HasSubstr("#1 slot"));
}

TEST(BestSlotTest, SkipsTimesTakenByOtherPosts) {
  SlotWindow window{.not_before = Local("Europe/Paris", date::local_days(2026_y / 3 / 6), 12),
                    .not_after = Local("Europe/Paris", date::local_days(2026_y / 3 / 20), 0)};
  // Another post at 18:30 on 10 March takes that Tuesday; the next is 17 March (Paris is still
  // on +01:00 until 29 March, so 18:00 there is 17:00 UTC).
  window.taken = {Local("Europe/Paris", date::local_days(2026_y / 3 / 10), 18, 30)};
  auto picked = PickBestFreeSlot(TwoSlots("Europe/Paris"), window);
  ASSERT_THAT(picked, IsOk());
  EXPECT_EQ(picked->at, Local("UTC", date::local_days(2026_y / 3 / 17), 17));
  // With the window ending before the 17th, the second slot (Thursday 09:00) is used.
  window.not_after = Local("Europe/Paris", date::local_days(2026_y / 3 / 14), 0);
  picked = PickBestFreeSlot(TwoSlots("Europe/Paris"), window);
  ASSERT_THAT(picked, IsOk());
  EXPECT_EQ(picked->at, Local("Europe/Paris", date::local_days(2026_y / 3 / 12), 9));
  EXPECT_EQ(picked->rank, 2);
  EXPECT_THAT(picked->reason, HasSubstr("better slots in the window were taken"));
}

TEST(BestSlotTest, ALocalHourThatDoesNotExistIsSkipped) {
  BestTimeAnswer a = TwoSlots("Europe/Paris");
  a.slots = {{.weekday = 7, .hour = 2, .posts = 5, .score = 2}};  // Sunday 02:00
  // 29 March 2026: Paris jumps from 02:00 to 03:00; the next Sunday 02:00 is 5 April.
  SlotWindow window{.not_before = Local("UTC", date::local_days(2026_y / 3 / 28), 0),
                    .not_after = Local("UTC", date::local_days(2026_y / 4 / 10), 0)};
  auto picked = PickBestFreeSlot(a, window);
  ASSERT_THAT(picked, IsOk());
  EXPECT_EQ(picked->at, Local("UTC", date::local_days(2026_y / 4 / 5), 0));  // 02:00 CEST
}

TEST(BestSlotTest, AnAmbiguousLocalHourMeansTheFirst) {
  BestTimeAnswer a = TwoSlots("Europe/Paris");
  a.slots = {{.weekday = 7, .hour = 2, .posts = 5, .score = 2}};
  // 25 October 2026: 02:00-03:00 occurs twice in Paris; the first is 00:00 UTC (CEST).
  SlotWindow window{.not_before = Local("UTC", date::local_days(2026_y / 10 / 24), 0),
                    .not_after = Local("UTC", date::local_days(2026_y / 10 / 27), 0)};
  auto picked = PickBestFreeSlot(a, window);
  ASSERT_THAT(picked, IsOk());
  EXPECT_EQ(picked->at, Local("UTC", date::local_days(2026_y / 10 / 25), 0));
}

TEST(BestSlotTest, NoFreeSlotOrABadWindowIsAClearError) {
  SlotWindow window{.not_before = Local("UTC", date::local_days(2026_y / 3 / 6), 12),
                    .not_after = Local("UTC", date::local_days(2026_y / 3 / 8), 0)};
  EXPECT_THAT(PickBestFreeSlot(TwoSlots("UTC"), window),
              StatusIs(base::ErrorCode::kFailedPrecondition, HasSubstr("widen the window")));
  std::swap(window.not_before, window.not_after);
  EXPECT_THAT(PickBestFreeSlot(TwoSlots("UTC"), window),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("window")));
}

TEST(BestSlotTest, NetworkDefaultsSayWhereTheyComeFrom) {
  BestTimeAnswer a = TwoSlots("UTC");
  a.source = BestTimeSource::kNetworkDefault;
  SlotWindow window{.not_before = Local("UTC", date::local_days(2026_y / 3 / 6), 12),
                    .not_after = Local("UTC", date::local_days(2026_y / 3 / 20), 0)};
  auto picked = PickBestFreeSlot(a, window);
  ASSERT_THAT(picked, IsOk());
  EXPECT_THAT(picked->reason, HasSubstr("commonly cited time for this network"));
}

}  // namespace
}  // namespace herald::core
