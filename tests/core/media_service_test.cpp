// MediaService and MediaPreparer on real files (made with ffmpeg in the test), a real
// LocalMediaStore in a temporary directory and the in-memory SQLite store: uploads by data,
// path and their refusals (nothing half-stored), probes, listing and organization scope,
// per-network acceptance, delete refused while a post needs the file, removal of unused media,
// and the publish path: one conversion per (media, rules), bytes inline, signed URLs.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "base/crypto.h"
#include "base/time.h"
#include "core/media_preparer.h"
#include "core/media_service.h"
#include "core/post_service.h"
#include "media/local_media_store.h"
#include "media/url_signer.h"
#include "tests/media/media_test_files.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"

namespace herald::core {
namespace {

namespace fs = std::filesystem;
using herald::matchers::IsOk;
using herald::matchers::StatusIs;
using herald::testing::Await;
using herald::testing::CoreEnv;
using media::testing::Ffmpeg;
using media::testing::ReadFile;
using media::testing::TempDir;
using media::testing::WriteFile;

class MediaServiceTest : public ::testing::Test {
 protected:
  MediaServiceTest()
      : files(dir.Path("store"), env.pool.get()),
        signer(std::string(32, 'k'), "https://herald.example") {
    MediaServiceOptions options;
    options.staging_dir = dir.Path("staging");
    options.allow_local_paths = true;
    service = std::make_unique<MediaService>(*env.store, files, nullptr, env.registry, env.clock,
                                             *env.pool, options);
    MediaPreparerOptions prep;
    prep.staging_dir = dir.Path("staging");
    preparer = std::make_unique<MediaPreparer>(*env.store, files, &signer, env.clock, *env.pool,
                                               prep);
  }

  // A 320x240 PNG made by ffmpeg.
  std::string Png(const std::string& name = "a.png", const std::string& size = "320x240") {
    std::string path = dir.Path(name);
    Ffmpeg({"-f", "lavfi", "-i", "testsrc=size=" + size + ":rate=1", "-frames:v", "1"}, path);
    return path;
  }
  std::string Mp4(const std::string& name = "v.mp4") {
    std::string path = dir.Path(name);
    Ffmpeg({"-f", "lavfi", "-i", "testsrc=duration=1:size=160x120:rate=10", "-c:v", "libx264",
            "-pix_fmt", "yuv420p"},
           path);
    return path;
  }

  base::Result<store::Media> UploadData(const std::string& bytes, const std::string& type = "",
                                        const base::Caller* caller = nullptr) {
    UploadMediaRequest r;
    r.data_base64 = base::Base64Encode(bytes);
    r.mime_type = type;
    return Await(service->Upload(caller ? *caller : env.editor, r));
  }
  base::Result<store::Media> UploadPath(const std::string& path) {
    UploadMediaRequest r;
    r.path = path;
    return Await(service->Upload(env.editor, r));
  }
  size_t StoredObjects() {
    size_t n = 0;
    if (!fs::exists(dir.Path("store"))) return 0;
    for (const auto& e : fs::recursive_directory_iterator(dir.Path("store"))) {
      n += e.is_regular_file() ? 1 : 0;
    }
    return n;
  }
  size_t StagedFiles() {
    return static_cast<size_t>(std::distance(fs::directory_iterator(dir.Path("staging")),
                                             fs::directory_iterator()));
  }

  CoreEnv env;
  TempDir dir;
  media::LocalMediaStore files;
  media::UrlSigner signer;
  std::unique_ptr<MediaService> service;
  std::unique_ptr<MediaPreparer> preparer;
};

TEST_F(MediaServiceTest, UploadsAPngProbedAndStoredWithNothingLeftInStaging) {
  std::string bytes = ReadFile(Png());
  auto m = UploadData(bytes, "image/png");
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->kind, "image");
  EXPECT_EQ(m->mime_type, "image/png");
  EXPECT_EQ(m->size, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(m->sha256, base::Sha256Hex(bytes));
  EXPECT_EQ(m->probe.value("width", 0), 320);
  EXPECT_EQ(m->probe.value("height", 0), 240);
  EXPECT_EQ(ReadFile(files.LocalPath(m->storage_key)), bytes);
  EXPECT_EQ(StagedFiles(), 0u);
}

TEST_F(MediaServiceTest, TextNamedJpgIsRefusedAndNothingIsStored) {
  auto m = UploadData("hello, I am not a picture at all", "image/jpeg");
  EXPECT_THAT(m, StatusIs(base::ErrorCode::kInvalidArgument));
  EXPECT_NE(m.error().message().find("not an image, video or audio"), std::string::npos)
      << m.error().message();
  EXPECT_EQ(StoredObjects(), 0u);
  EXPECT_EQ(StagedFiles(), 0u);
  auto list = Await(service->List(env.editor, {}));
  ASSERT_THAT(list, IsOk());
  EXPECT_TRUE(list->empty());
}

TEST_F(MediaServiceTest, InlineDataOverTheLimitIsRefusedBeforeDecoding) {
  auto m = UploadData(ReadFile(Png()) + std::string(8 * 1024 * 1024, 'a'));
  EXPECT_THAT(m, StatusIs(base::ErrorCode::kInvalidArgument));
  EXPECT_NE(m.error().message().find("over the limit of 8.0 MiB"), std::string::npos);
  UploadMediaRequest bad;
  bad.data_base64 = "***";
  EXPECT_THAT(Await(service->Upload(env.editor, bad)), StatusIs(base::ErrorCode::kInvalidArgument));
}

TEST_F(MediaServiceTest, DeclaredTypeMustMatchTheBytes) {
  auto m = UploadData(ReadFile(Png()), "image/jpeg");
  EXPECT_THAT(m, StatusIs(base::ErrorCode::kInvalidArgument));
  EXPECT_NE(m.error().message().find("but the bytes are image/png"), std::string::npos);
}

TEST_F(MediaServiceTest, ExactlyOneSourceAndNoPathUnlessAllowed) {
  UploadMediaRequest none;
  EXPECT_THAT(Await(service->Upload(env.editor, none)), StatusIs(base::ErrorCode::kInvalidArgument));
  MediaServiceOptions strict;
  strict.staging_dir = dir.Path("staging");
  MediaService no_paths(*env.store, files, nullptr, env.registry, env.clock, *env.pool, strict);
  UploadMediaRequest r;
  r.path = Png();
  auto refused = Await(no_paths.Upload(env.editor, r));
  EXPECT_THAT(refused, StatusIs(base::ErrorCode::kInvalidArgument));
  EXPECT_NE(refused.error().message().find("stdio"), std::string::npos);
  r.path = "relative.png";
  EXPECT_THAT(Await(service->Upload(env.editor, r)), StatusIs(base::ErrorCode::kInvalidArgument));
}

TEST_F(MediaServiceTest, UploadsAVideoByPathKeepingTheUsersFile) {
  std::string path = Mp4();
  auto m = UploadPath(path);
  ASSERT_THAT(m, IsOk());
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(m->kind, "video");
  EXPECT_EQ(m->mime_type, "video/mp4");
  EXPECT_EQ(m->file_name, "v.mp4");
  EXPECT_NEAR(m->probe.value("duration_ms", 0), 1000, 150);
  EXPECT_EQ(m->probe.value("video_codec", ""), "h264");
  EXPECT_FALSE(m->thumbnail_key.empty());
  EXPECT_TRUE(fs::exists(files.LocalPath(m->thumbnail_key)));
}

TEST_F(MediaServiceTest, TruncatedVideoIsRefusedAndNothingIsStored) {
  std::string bytes = ReadFile(Mp4());
  std::string cut = dir.Path("cut.mp4");
  WriteFile(cut, bytes.substr(0, bytes.size() / 3));
  auto m = UploadPath(cut);
  EXPECT_THAT(m, StatusIs(base::ErrorCode::kInvalidArgument));
  EXPECT_EQ(StoredObjects(), 0u);
  EXPECT_EQ(StagedFiles(), 0u);
}

TEST_F(MediaServiceTest, ListAndGetAreScopedToTheOrganization) {
  auto a = UploadData(ReadFile(Png("a.png")));
  auto b = UploadPath(Mp4());
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  auto all = Await(service->List(env.viewer, {}));
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, b->id);  // newest first
  ListMediaRequest videos;
  videos.kind = "video";
  auto only = Await(service->List(env.viewer, videos));
  ASSERT_THAT(only, IsOk());
  ASSERT_EQ(only->size(), 1u);
  EXPECT_EQ((*only)[0].id, b->id);
  auto other = Await(service->List(env.other_editor, {}));
  ASSERT_THAT(other, IsOk());
  EXPECT_TRUE(other->empty());
  EXPECT_THAT(Await(service->Get(env.other_editor, a->id)), StatusIs(base::ErrorCode::kNotFound));
  EXPECT_THAT(Await(service->Delete(env.other_editor, a->id)),
              StatusIs(base::ErrorCode::kNotFound));
  EXPECT_THAT(UploadData(ReadFile(Png("c.png")), "", &env.viewer),
              StatusIs(base::ErrorCode::kPermissionDenied));
}

TEST_F(MediaServiceTest, GetShowsWhatEachNetworkDoes) {
  env.native->info().media.mime_types = {"image/jpeg"};  // JPEG only: a PNG is converted
  env.none->info().media.max_items = 0;                  // no media at all: refused
  auto m = UploadData(ReadFile(Png()));
  ASSERT_THAT(m, IsOk());
  auto got = Await(service->Get(env.viewer, m->id));
  ASSERT_THAT(got, IsOk());
  std::map<std::string, MediaAcceptance> by;
  for (const auto& a : got->acceptance) by[a.platform] = a;
  EXPECT_EQ(by["native"].action, "convert");
  EXPECT_EQ(by["reconcile"].action, "as_is");
  EXPECT_EQ(by["none"].action, "refuse");
  EXPECT_FALSE(by["none"].reasons.empty());
}

TEST_F(MediaServiceTest, DeleteIsRefusedWhileAScheduledPostUsesIt) {
  auto account = env.AddAccount("native", "brand");
  auto m = UploadData(ReadFile(Png()));
  ASSERT_THAT(m, IsOk());
  CreatePostRequest request;
  request.mode = CreateMode::kSchedule;
  request.accounts = {account.id};
  request.content.text = "with a picture";
  request.content.media = {m->id};
  request.publish_at = base::FormatRfc3339(env.clock.Now() + std::chrono::hours(1));
  auto post = Await(env.posts->Create(env.editor, request));
  ASSERT_THAT(post, IsOk());
  auto refused = Await(service->Delete(env.editor, m->id));
  EXPECT_THAT(refused, StatusIs(base::ErrorCode::kFailedPrecondition));
  EXPECT_NE(refused.error().message().find(post->post.id), std::string::npos);
  ASSERT_THAT(Await(env.posts->Cancel(env.editor, post->post.id)), IsOk());
  ASSERT_THAT(Await(service->Delete(env.editor, m->id)), IsOk());
  EXPECT_EQ(StoredObjects(), 0u);
  EXPECT_THAT(Await(service->Get(env.editor, m->id)), StatusIs(base::ErrorCode::kNotFound));
}

// Uploads, changes, conversions and deletions are in the audit log with the key that made them.
TEST_F(MediaServiceTest, MediaChangesAreAudited) {
  service->SetPreparer(preparer.get());
  auto m = UploadData(ReadFile(Png()), "image/png");
  ASSERT_THAT(m, IsOk());
  ASSERT_THAT(Await(service->SetKeep(env.editor, m->id, true)), IsOk());
  PrepareMediaRequest request;
  request.media_id = m->id;
  request.platforms = {"native"};
  ASSERT_THAT(Await(service->Prepare(env.editor, request, {})), IsOk());
  ASSERT_THAT(Await(service->Delete(env.editor, m->id)), IsOk());
  auto entries = store::ReadValue<std::vector<store::AuditEntry>>(
      *env.store, [&](store::Tx& tx) { return tx.ListAudit(env.org.id, 10); });
  ASSERT_THAT(entries, IsOk());
  std::vector<std::string> actions;
  for (const auto& e : *entries) {
    EXPECT_EQ(e.subject, m->id);
    EXPECT_EQ(e.actor, env.editor.actor());
    actions.insert(actions.begin(), e.action);  // newest first -> oldest first
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"media.upload", "media.update", "media.prepare",
                                               "media.delete"}));
  EXPECT_EQ(entries->back().detail["mime_type"], "image/png");
}

TEST_F(MediaServiceTest, UnusedMediaGoesAfterSevenDaysUnlessKeptOrNeeded) {
  auto account = env.AddAccount("native", "brand");
  auto unused = UploadData(ReadFile(Png("a.png")));
  UploadMediaRequest keep;
  keep.data_base64 = base::Base64Encode(ReadFile(Png("b.png")));
  keep.keep = true;
  auto kept = Await(service->Upload(env.editor, keep));
  auto needed = UploadData(ReadFile(Png("c.png")));
  ASSERT_THAT(unused, IsOk());
  ASSERT_THAT(kept, IsOk());
  ASSERT_THAT(needed, IsOk());
  CreatePostRequest request;
  request.mode = CreateMode::kSchedule;
  request.accounts = {account.id};
  request.content.text = "in three weeks";
  request.content.media = {needed->id};
  request.publish_at = base::FormatRfc3339(env.clock.Now() + std::chrono::hours(24 * 21));
  ASSERT_THAT(Await(env.posts->Create(env.editor, request)), IsOk());

  auto early = Await(service->CollectUnused(env.clock.Now() + std::chrono::hours(24 * 6)));
  ASSERT_THAT(early, IsOk());
  EXPECT_EQ(*early, 0);
  auto late = Await(service->CollectUnused(env.clock.Now() + std::chrono::hours(24 * 8)));
  ASSERT_THAT(late, IsOk());
  EXPECT_EQ(*late, 1);
  EXPECT_THAT(Await(service->Get(env.editor, unused->id)), StatusIs(base::ErrorCode::kNotFound));
  EXPECT_THAT(Await(service->Get(env.editor, kept->id)), IsOk());
  EXPECT_THAT(Await(service->Get(env.editor, needed->id)), IsOk());
}

platforms::Content ContentWith(const store::Media& m) {
  platforms::Content content;
  platforms::PostPart part;
  part.text = "hi";
  platforms::MediaItem item;
  item.id = m.id;
  item.mime_type = m.mime_type;
  part.media.push_back(item);
  content.parts.push_back(part);
  return content;
}

TEST_F(MediaServiceTest, PreparerSendsBytesInlineWhenTheNetworkTakesTheFileAsItIs) {
  std::string bytes = ReadFile(Png());
  auto m = UploadData(bytes);
  ASSERT_THAT(m, IsOk());
  platforms::Content content = ContentWith(*m);
  auto ready = Await(preparer->Prepare(env.org.id, env.native->Info(), content));
  ASSERT_THAT(ready, IsOk());
  EXPECT_EQ(content.parts[0].media[0].data, bytes);
  EXPECT_EQ(content.parts[0].media[0].probe.width, 320);
}

TEST_F(MediaServiceTest, PreparerConvertsOnceAndServesFetchByUrlNetworksASignedUrl) {
  platforms::PlatformInfo info = env.native->Info();
  info.name = "Pictures";
  info.media.mime_types = {"image/jpeg"};
  info.media.max_width = 200;
  info.media.max_height = 200;
  info.media.fetch_by_url = true;
  auto m = UploadData(ReadFile(Png("big.png", "640x480")));
  ASSERT_THAT(m, IsOk());
  for (int round = 0; round < 2; ++round) {
    platforms::Content content = ContentWith(*m);
    auto ready = Await(preparer->Prepare(env.org.id, info, content));
    ASSERT_THAT(ready, IsOk());
    const auto& item = content.parts[0].media[0];
    EXPECT_EQ(item.mime_type, "image/jpeg");
    EXPECT_LE(item.probe.width, 200);
    EXPECT_TRUE(item.data.empty());
    EXPECT_EQ(item.url.rfind("https://herald.example/media/" + m->id + "/", 0), 0u) << item.url;
    EXPECT_NE(item.url.find("sig="), std::string::npos);
  }
  auto variants = store::ReadValue<std::vector<store::MediaVariant>>(
      *env.store, [&](store::Tx& tx) { return tx.ListMediaVariants(m->id); });
  ASSERT_THAT(variants, IsOk());
  ASSERT_EQ(variants->size(), 1u);  // converted once, reused the second time
  auto served = Await(service->LookupServed(m->id, std::string(MediaFileOfKey(
                                                       (*variants)[0].storage_key))));
  ASSERT_THAT(served, IsOk());
  EXPECT_EQ(served->mime_type, "image/jpeg");
  EXPECT_THAT(Await(service->LookupServed(m->id, "../../secret.key")),
              StatusIs(base::ErrorCode::kNotFound));
}

TEST_F(MediaServiceTest, FetchByUrlWithoutAPublicUrlSaysWhatToSet) {
  media::UrlSigner no_url(std::string(32, 'k'), "");
  MediaPreparerOptions prep;
  prep.staging_dir = dir.Path("staging");
  MediaPreparer p(*env.store, files, &no_url, env.clock, *env.pool, prep);
  platforms::PlatformInfo info = env.native->Info();
  info.media.fetch_by_url = true;
  auto m = UploadData(ReadFile(Png()));
  ASSERT_THAT(m, IsOk());
  platforms::Content content = ContentWith(*m);
  auto ready = Await(p.Prepare(env.org.id, info, content));
  EXPECT_THAT(ready, StatusIs(base::ErrorCode::kFailedPrecondition));
  EXPECT_NE(ready.error().message().find("HERALD_PUBLIC_URL"), std::string::npos);
}

TEST_F(MediaServiceTest, PreparerRefusesWhatTheNetworkCannotTakeWithTheReason) {
  platforms::PlatformInfo info = env.native->Info();
  info.media.mime_types = {"image/jpeg"};  // images only
  auto m = UploadPath(Mp4());
  ASSERT_THAT(m, IsOk());
  platforms::Content content = ContentWith(*m);
  auto ready = Await(preparer->Prepare(env.org.id, info, content));
  EXPECT_THAT(ready, StatusIs(base::ErrorCode::kInvalidArgument));
}

TEST_F(MediaServiceTest, PrepareConvertsNowWithProgressAndThePublishReusesIt) {
  service->SetPreparer(preparer.get());
  platforms::PlatformInfo& pictures = env.reconcile->info();
  pictures.media.mime_types = {"image/jpeg"};
  pictures.media.max_width = 200;
  pictures.media.max_height = 200;
  auto m = UploadData(ReadFile(Png("big.png", "640x480")));
  ASSERT_THAT(m, IsOk());
  PrepareMediaRequest request;
  request.media_id = m->id;
  request.platforms = {"native", "reconcile", "native"};  // a repeat counts once
  std::vector<std::pair<size_t, double>> steps;
  auto done = Await(service->Prepare(
      env.editor, request,
      [&](size_t index, size_t count, const std::string& network, double fraction) {
        EXPECT_EQ(count, 2u);
        EXPECT_FALSE(network.empty());
        steps.emplace_back(index, fraction);
      }));
  ASSERT_THAT(done, IsOk());
  ASSERT_EQ(done->size(), 2u);
  EXPECT_EQ((*done)[0].platform, "native");
  EXPECT_EQ((*done)[0].outcome.action, "as_is");
  EXPECT_EQ((*done)[0].outcome.mime_type, "image/png");
  EXPECT_EQ((*done)[1].outcome.action, "converted");
  EXPECT_EQ((*done)[1].outcome.mime_type, "image/jpeg");
  EXPECT_LE((*done)[1].outcome.probe.width, 200);
  EXPECT_FALSE((*done)[1].outcome.reasons.empty());
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps.back(), (std::pair<size_t, double>{1, 1.0}));

  // Made once: asked again it is reused, and so does the publish.
  auto again = Await(service->Prepare(env.editor, request, {}));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ((*again)[1].outcome.action, "reused");
  platforms::Content content = ContentWith(*m);
  ASSERT_THAT(Await(preparer->Prepare(env.org.id, pictures, content)), IsOk());
  EXPECT_EQ(content.parts[0].media[0].mime_type, "image/jpeg");
  auto variants = store::ReadValue<std::vector<store::MediaVariant>>(
      *env.store, [&](store::Tx& tx) { return tx.ListMediaVariants(m->id); });
  ASSERT_THAT(variants, IsOk());
  EXPECT_EQ(variants->size(), 1u);

  // A network that cannot take the file says why; nothing is an error.
  pictures.media.mime_types = {"video/mp4"};
  request.platforms = {"reconcile"};
  auto refused = Await(service->Prepare(env.editor, request, {}));
  ASSERT_THAT(refused, IsOk());
  EXPECT_EQ((*refused)[0].outcome.action, "refuse");
  EXPECT_FALSE((*refused)[0].outcome.reasons.empty());
}

TEST_F(MediaServiceTest, PrepareRefusesBadRequestsAndOtherOrganizationsMedia) {
  service->SetPreparer(preparer.get());
  auto m = UploadData(ReadFile(Png()));
  ASSERT_THAT(m, IsOk());
  PrepareMediaRequest request;
  request.media_id = m->id;
  request.platforms = {"native", "nope"};
  EXPECT_THAT(Await(service->Prepare(env.editor, request, {})),
              StatusIs(base::ErrorCode::kInvalidArgument, ::testing::HasSubstr("platforms[1]")));
  request.platforms = {};
  EXPECT_THAT(Await(service->Prepare(env.editor, request, {})),
              StatusIs(base::ErrorCode::kInvalidArgument,
                       ::testing::HasSubstr("no account is connected")));
  env.AddAccount("native", "brand");
  auto by_accounts = Await(service->Prepare(env.editor, request, {}));
  ASSERT_THAT(by_accounts, IsOk());
  ASSERT_EQ(by_accounts->size(), 1u);
  EXPECT_EQ((*by_accounts)[0].platform, "native");
  EXPECT_THAT(Await(service->Prepare(env.viewer, request, {})),
              StatusIs(base::ErrorCode::kPermissionDenied));
  EXPECT_THAT(Await(service->Prepare(env.other_editor, request, {})),
              StatusIs(base::ErrorCode::kNotFound));
}

}  // namespace
}  // namespace herald::core
