// Crash test for the video networks: the real `herald worker` uploads videos to the YouTube
// emulator PROCESS by the resumable protocol (8 MiB chunks, each slowed down so the kills land
// in the middle of one) while it is SIGKILLed at random moments and restarted; the emulator
// also keeps only part of a chunk and drops the connection, and loses the answer to the chunk
// that completes a video. Afterwards every post is published (or `unknown`, never twice): the
// channel holds exactly one video per post, each with the file's exact bytes, and every upload
// resumed its saved session rather than starting over (more sessions than posts only when a
// kill came before a session was saved). Runs on SQLite, PostgreSQL (HERALD_TEST_PG_URL) and
// two herald processes sharing one PostgreSQL.
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
#include "base/crypto.h"
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
using base::Json;
using std::chrono::milliseconds;
using std::chrono::seconds;

class VideoCrashTest : public ::testing::TestWithParam<CrashCase> {};

TEST_P(VideoCrashTest, EveryVideoExactlyOnceThroughSigkillsMidChunk) {
  const CrashCase& c = GetParam();
  constexpr int kPosts = 4;
  constexpr int kKills = 10;

  store::testing::TempDir dir;
  auto db = store::testing::MakeTestDatabase(c.backend);
  ASSERT_THAT(db, IsOk());
  const std::string db_url = (*db)->url();

  auto youtube = emulators::EmulatorProcess::Start(
      emulators::EmulatorProcess::DefaultBinary(HERALD_EMULATOR_BIN), "youtube");
  ASSERT_THAT(youtube, IsOk());
  const std::string url = (*youtube)->base_url();
  emulators::EmulatorClient ctl(url);
  ASSERT_THAT(ctl.SetConfig({{"daily_quota", 100'000'000}}), IsOk());
  auto info = ctl.Info();
  ASSERT_THAT(info, IsOk());
  const std::string client_id = (*info)["client_id"];
  const std::string client_secret = (*info)["client_secret"];

  app::Config config;
  config.data_dir = dir.path();
  config.db_url = db_url;
  config.public_url = "https://herald.example";
  config.api_urls["youtube"] = url;
  config.auth_urls["youtube"] = url;
  config.oauth_clients["youtube"] = {client_id, client_secret};
  auto built = app::BuildServices(config);
  ASSERT_THAT(built, IsOk());
  app::Services& services = **built;
  base::Caller admin{services.default_org.id, "", base::Role::kAdmin};

  auto connected = ConnectOAuth(services, admin, "youtube", ctl, url);
  ASSERT_EQ(connected.kind, core::OAuthCallbackResult::Kind::kConnected) << connected.message;
  const std::string channel = connected.account->id;

  // One video of about 10 MB (two chunks), made here; every post uploads it.
  media::testing::TempDir media_dir;
  const std::string mp4 = media_dir.Path("crash.mp4");
  media::testing::Ffmpeg({"-f", "lavfi", "-i",
                          "testsrc=duration=3:size=640x360:rate=25,noise=alls=60:allf=t",
                          "-c:v", "libx264", "-preset", "ultrafast", "-qp", "16", "-pix_fmt",
                          "yuv420p"},
                         mp4);
  const std::string bytes = media::testing::ReadFile(mp4);
  ASSERT_GT(bytes.size(), 8u << 20) << "the video must take more than one 8 MiB chunk";
  const std::string sha256 = base::Sha256Hex(bytes);
  // Ingested as the REST upload does (IngestFile takes the file: give it a copy).
  const std::string copy = media_dir.Path("ingest.mp4");
  media::testing::WriteFile(copy, bytes);
  core::IngestRequest upload;
  upload.path = copy;
  upload.file_name = "crash.mp4";
  auto video = testing::Await(services.media->IngestFile(admin, upload));
  ASSERT_THAT(video, IsOk());

  std::vector<std::string> post_ids;
  for (int i = 0; i < kPosts; ++i) {
    core::CreatePostRequest req;
    req.mode = core::CreateMode::kPublishNow;
    req.accounts = {channel};
    req.content.text = "crash video " + std::to_string(i) + "\nUploaded through SIGKILLs.";
    req.content.media = {video->id};
    req.content.platform_options["youtube"] = Json{{"privacy_status", "unlisted"}};
    auto r = services.posts->CreateSync(admin, req);
    ASSERT_THAT(r, IsOk());
    post_ids.push_back(r->post.id);
  }

  const std::map<std::string, std::string> env = {
      {"HERALD_DATA", dir.path()},
      {"HERALD_DB", db_url},
      {"HERALD_PUBLIC_URL", config.public_url},
      {"HERALD_YOUTUBE_API_URL", url},
      {"HERALD_YOUTUBE_AUTH_URL", url},
      {"HERALD_YOUTUBE_CLIENT_ID", client_id},
      {"HERALD_YOUTUBE_CLIENT_SECRET", client_secret},
      {"HERALD_WORKER_LEASE_MS", "2500"},
      {"HERALD_PUBLISH_TIMEOUT_MS", "1800"},
      {"HERALD_RETRY_INITIAL_MS", "200"},
      {"HERALD_RETRY_MAX_ATTEMPTS", "50"},
      {"HERALD_LOG_LEVEL", "warn"}};
  const std::vector<std::string> argv = {HERALD_BIN, "worker"};
  const std::string log = dir.File("herald.log");

  // Every chunk and status query takes a while, so the kills land in the middle of chunks.
  ASSERT_THAT(ctl.ArmFault({{"kind", "slow"},
                            {"method", "PUT"},
                            {"path", "/upload/youtube/v3/videos"},
                            {"count", -1},
                            {"delay_ms", 250}}),
              IsOk());
  std::mt19937 rng(std::random_device{}());
  int kills = 0;
  for (; kills < kKills; ++kills) {
    if (kills % 3 == 0) {
      // A chunk cut short, the connection dropped: the next status query says where it ended.
      ASSERT_THAT(ctl.Control("youtube", "partial_next_chunk", {{"bytes", 300'000}}), IsOk());
    }
    if (kills % 3 == 1) {
      // The video made, its answer lost: the session's status (or the uploads) says so.
      ASSERT_THAT(ctl.Control("youtube", "drop_completion", Json::object()), IsOk());
    }
    auto procs = StartWorkers(argv, env, log, c.processes);
    ASSERT_EQ(procs.size(), static_cast<size_t>(c.processes));
    auto kill_at = std::chrono::steady_clock::now() +
                   milliseconds(std::uniform_int_distribution<int>(100, 1500)(rng));
    for (auto& p : procs) EXPECT_TRUE(p->WatchUntil(kill_at)) << "herald exited early; see " << log;
    for (auto& p : procs) {
      int status = p->Kill(SIGKILL);
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    }
  }

  auto procs = StartWorkers(argv, env, log, c.processes);
  ASSERT_EQ(procs.size(), static_cast<size_t>(c.processes));
  ASSERT_TRUE(RunUntilSettled(services, procs, seconds(180)))
      << "herald exited while posts were pending; see " << log;
  ASSERT_TRUE(AllSettled(services)) << "posts still pending after 180 s; see " << log << ":\n"
                                    << media::testing::ReadFile(log);
  for (auto& p : procs) {
    int status = p->Kill(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }

  // The channel: one video per post, each the file's exact bytes.
  auto videos = ctl.Posts();
  ASSERT_THAT(videos, IsOk());
  std::map<std::string, int> by_title;
  for (const auto& v : *videos) {
    if (v.value("deleted", false)) continue;
    ++by_title[v.value("text", std::string())];
    ASSERT_EQ(v["media"].size(), 1u);
    EXPECT_EQ(v["media"][0].value("sha256", std::string()), sha256)
        << "a video with other bytes than the file: " << v.dump();
    EXPECT_EQ(v["media"][0].value("size", int64_t{0}), static_cast<int64_t>(bytes.size()));
  }
  int published = 0;
  int unknown = 0;
  for (size_t i = 0; i < post_ids.size(); ++i) {
    const std::string title = "crash video " + std::to_string(i);
    auto targets = store::ReadValue<std::vector<store::PostTarget>>(
        *services.store,
        [&](store::Tx& tx) { return tx.ListTargets(services.default_org.id, post_ids[i]); });
    ASSERT_THAT(targets, IsOk());
    ASSERT_EQ(targets->size(), 1u);
    const store::PostTarget& t = targets->front();
    EXPECT_LE(by_title[title], 1) << title << " is on the channel twice";
    if (t.status == store::TargetStatus::kPublished) {
      ++published;
      EXPECT_EQ(by_title[title], 1) << title << " is published but not on the channel";
      EXPECT_EQ(t.url.rfind("https://www.youtube.com/", 0), 0u) << t.url;
    } else {
      EXPECT_EQ(t.status, store::TargetStatus::kUnknown)
          << title << ": " << store::TargetStatusName(t.status) << " " << t.last_error;
      ++unknown;
    }
  }
  EXPECT_EQ(published + unknown, kPosts);
  std::printf("video crash test %s: %d kills, %d posts published, %d unknown\n", c.name, kills,
              published, unknown);
}

INSTANTIATE_TEST_SUITE_P(Backends, VideoCrashTest, ::testing::ValuesIn(CrashCases()),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace herald::crash
