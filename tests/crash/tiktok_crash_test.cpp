// TikTok crash test: the real `herald worker` uploads videos in chunks to `herald-emulator
// tiktok` (a process) while it is SIGKILLed at random moments (in the middle of chunk uploads
// among them) and restarted; the emulator also loses answers after applying a chunk or an init
// now and then. Afterwards every post is on TikTok exactly once (one video per post, with the
// bytes of the file herald was given) and herald says it is published: a FILE_UPLOAD publish
// becomes a video only with every byte, and a saved publish id is always asked about before
// anything is sent again. Runs on SQLite, PostgreSQL (HERALD_TEST_PG_URL) and two processes on
// one PostgreSQL.
#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/services.h"
#include "tests/crash/crash_support.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/emulator_process.h"
#include "tests/media/media_test_files.h"
#include "tests/store/test_support.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"

namespace herald::crash {
namespace {

using ::herald::matchers::IsOk;
using std::chrono::milliseconds;
using std::chrono::seconds;

class TikTokCrashTest : public ::testing::TestWithParam<CrashCase> {};

TEST_P(TikTokCrashTest, EveryVideoExactlyOnceThroughSigkillsMidUpload) {
  const CrashCase& c = GetParam();
  constexpr int kPosts = 6;
  constexpr int kKills = 8;

  store::testing::TempDir dir;
  auto db = store::testing::MakeTestDatabase(c.backend);
  ASSERT_THAT(db, IsOk());
  const std::string db_url = (*db)->url();

  auto tiktok = emulators::EmulatorProcess::Start(
      emulators::EmulatorProcess::DefaultBinary(HERALD_EMULATOR_BIN), "tiktok");
  ASSERT_THAT(tiktok, IsOk());
  const std::string url = (*tiktok)->base_url();
  emulators::EmulatorClient ctl(url);
  ASSERT_THAT(ctl.SetConfig({{"init_rate_limit", 1'000'000},
                             {"status_rate_limit", 1'000'000},
                             {"creator_info_rate_limit", 1'000'000},
                             {"daily_post_cap", 1'000'000},
                             {"processing_polls", 1},
                             {"moderation_polls", 1}}),
              IsOk());

  app::Config config;
  config.data_dir = dir.path();
  config.db_url = db_url;
  config.public_url = "https://herald.example";
  config.api_urls["tiktok"] = url;
  config.auth_urls["tiktok"] = url;
  config.oauth_clients["tiktok"] = {"herald-tiktok-key", "herald-tiktok-secret"};
  auto built = app::BuildServices(config);
  ASSERT_THAT(built, IsOk());
  app::Services& services = **built;
  base::Caller admin{services.default_org.id, "", base::Role::kAdmin};

  auto connected = ConnectOAuth(services, admin, "tiktok", ctl, url);
  ASSERT_EQ(connected.kind, core::OAuthCallbackResult::Kind::kConnected) << connected.message;
  const std::string account = connected.account->id;

  // A video of a little over 20 MB (noise does not compress), so herald sends it in two
  // chunks of TikTok's sizes (10 MB, then the rest).
  media::testing::TempDir media_dir;
  const std::string mp4 = media_dir.Path("crash.mp4");
  media::testing::Ffmpeg({"-f", "lavfi", "-i", "nullsrc=size=640x360:rate=30", "-t", "2", "-vf",
                          "noise=alls=100:allf=t,format=yuv420p", "-c:v", "libx264", "-preset",
                          "ultrafast", "-qp", "0"},
                         mp4);
  const std::string bytes = media::testing::ReadFile(mp4);
  ASSERT_GT(bytes.size(), 20u << 20) << "the video is too small to need two chunks";
  core::IngestRequest upload;  // the file is moved into the media store
  upload.path = mp4;
  upload.file_name = "crash.mp4";
  auto video = testing::Await(services.media->IngestFile(admin, upload));
  ASSERT_THAT(video, IsOk());

  std::vector<std::string> post_ids;
  for (int i = 0; i < kPosts; ++i) {
    core::CreatePostRequest req;
    req.mode = core::CreateMode::kPublishNow;
    req.accounts = {account};
    req.content.text = "tiktok crash video " + std::to_string(i);
    req.content.media = {video->id};
    req.content.platform_options["tiktok"] =
        base::Json{{"privacy_level", i % 2 == 0 ? "PUBLIC_TO_EVERYONE" : "SELF_ONLY"}};
    auto r = services.posts->CreateSync(admin, req);
    ASSERT_THAT(r, IsOk());
    post_ids.push_back(r->post.id);
  }

  const std::map<std::string, std::string> env = {
      {"HERALD_DATA", dir.path()},
      {"HERALD_DB", db_url},
      {"HERALD_PUBLIC_URL", config.public_url},
      {"HERALD_TIKTOK_API_URL", url},
      {"HERALD_TIKTOK_AUTH_URL", url},
      {"HERALD_TIKTOK_CLIENT_KEY", "herald-tiktok-key"},
      {"HERALD_TIKTOK_CLIENT_SECRET", "herald-tiktok-secret"},
      {"HERALD_WORKER_LEASE_MS", "2500"},
      {"HERALD_PUBLISH_TIMEOUT_MS", "30000"},
      {"HERALD_RETRY_INITIAL_MS", "200"},
      {"HERALD_RETRY_MAX_ATTEMPTS", "50"},
      {"HERALD_LOG_LEVEL", "warn"}};
  const std::vector<std::string> argv = {HERALD_BIN, "worker"};
  const std::string log = dir.File("herald.log");

  std::mt19937 rng(std::random_device{}());
  int kills = 0;
  for (; kills < kKills; ++kills) {
    // A chunk (or the init) applied by TikTok, its answer lost.
    if (kills % 2 == 0) {
      ASSERT_TRUE(DropAfterAccept(ctl, "PUT", "/video/*", 1));
    }
    if (kills % 3 == 1) {
      ASSERT_TRUE(DropAfterAccept(ctl, "POST", "/v2/post/publish/video/init/", 1));
    }
    auto procs = StartWorkers(argv, env, log, c.processes);
    ASSERT_EQ(procs.size(), static_cast<size_t>(c.processes));
    const auto kill_at = std::chrono::steady_clock::now() +
                         milliseconds(std::uniform_int_distribution<int>(100, 1500)(rng));
    for (auto& p : procs) EXPECT_TRUE(p->WatchUntil(kill_at)) << "herald exited early; see " << log;
    for (auto& p : procs) {
      int status = p->Kill(SIGKILL);
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    }
  }

  auto procs = StartWorkers(argv, env, log, c.processes);
  ASSERT_EQ(procs.size(), static_cast<size_t>(c.processes));
  ASSERT_TRUE(RunUntilSettled(services, procs, seconds(240)))
      << "herald exited while posts were pending; see " << log;
  const bool settled = AllSettled(services);
  for (auto& p : procs) {
    int status = p->Kill(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  if (!settled) {
    const std::string tail = media::testing::ReadFile(log);
    FAIL() << "posts still pending after 240 s; herald log ends:\n"
           << tail.substr(tail.size() > 4000 ? tail.size() - 4000 : 0);
  }

  // What TikTok holds: each post's video once, with the file's bytes.
  auto posts = ctl.Posts();
  ASSERT_THAT(posts, IsOk());
  std::map<std::string, int> by_text;
  for (const auto& p : *posts) {
    ++by_text[p.value("text", std::string())];
    ASSERT_EQ(p["media"].size(), 1u);
    EXPECT_EQ(p["media"][0].value("size", int64_t{0}), static_cast<int64_t>(bytes.size()));
  }
  for (int i = 0; i < kPosts; ++i) {
    const std::string text = "tiktok crash video " + std::to_string(i);
    EXPECT_EQ(by_text[text], 1) << text;
    auto targets = store::ReadValue<std::vector<store::PostTarget>>(
        *services.store,
        [&](store::Tx& tx) { return tx.ListTargets(services.default_org.id, post_ids[i]); });
    ASSERT_THAT(targets, IsOk());
    ASSERT_EQ(targets->size(), 1u);
    const auto& t = targets->front();
    EXPECT_EQ(t.status, store::TargetStatus::kPublished) << text << ": " << t.last_error;
    EXPECT_FALSE(t.url.empty()) << text;
  }
  std::printf("tiktok crash test %s: %d kills, %d videos, %zu publishes made\n", c.name, kills,
              kPosts, (*ctl.Info()).value("publishes", base::Json::array()).size());
}

INSTANTIATE_TEST_SUITE_P(Backends, TikTokCrashTest, ::testing::ValuesIn(CrashCases()),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace herald::crash
