// MediaRoutes on an HttpFrontend: tus 1.0 uploads (create, PATCH in pieces, a PATCH whose
// connection drops mid-body, HEAD at the durable offset, resume, finish; 409, 415, 413, 412,
// another organization's upload), POST /api/v1/media with a raw or multipart body, and signed
// /media URLs with range requests. A fake MediaStore and fake finish/lookup callbacks stand in
// for MediaService.
#include <gtest/gtest.h>

#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "base/crypto.h"
#include "core/upload_sessions.h"
#include "media/media_store.h"
#include "media/url_signer.h"
#include "tests/transport/mcp_test_fixture.h"
#include "transport/rest/media_routes.h"

namespace herald::transport::testing {
namespace {

namespace fs = std::filesystem;

// An in-memory MediaStore.
class FakeStore final : public media::MediaStore {
 public:
  std::string_view Kind() const override { return "local"; }
  base::Task<base::Result<media::StoredObject>> PutFile(std::string key, std::string path,
                                                        std::string type) override {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    std::lock_guard<std::mutex> lock(mu_);
    objects_[key] = s.str();
    co_return media::StoredObject{key, static_cast<int64_t>(s.str().size()), type};
  }
  base::Task<base::Result<media::StoredObject>> GetToFile(std::string, std::string) override {
    co_return base::Unimplemented("not in the fake");
  }
  base::Task<base::Result<std::string>> ReadRange(std::string key, int64_t offset,
                                                  int64_t length) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(key);
    if (it == objects_.end()) co_return base::NotFound("no object " + key);
    if (offset > static_cast<int64_t>(it->second.size())) co_return base::InvalidArgument("past the end");
    ++reads_;
    co_return it->second.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
  }
  base::Task<base::Result<media::StoredObject>> Stat(std::string key) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(key);
    if (it == objects_.end()) co_return base::NotFound("no object " + key);
    co_return media::StoredObject{key, static_cast<int64_t>(it->second.size()), ""};
  }
  base::Task<base::Result<void>> Remove(std::string key) override {
    std::lock_guard<std::mutex> lock(mu_);
    objects_.erase(key);
    co_return base::Ok();
  }
  base::Result<std::string> PresignedUrl(std::string_view, base::Time) const override {
    return base::Unimplemented("local");
  }
  void Put(const std::string& key, std::string bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    objects_[key] = std::move(bytes);
  }
  int reads() const { return reads_; }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> objects_;
  int reads_ = 0;
};

struct Finished {
  base::Caller caller;
  core::FinishedUpload upload;
  std::string content;
};

struct Raw {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
};

// Parses the status line and header block at the start of `text`.
Raw ParseHead(const std::string& text) {
  Raw r;
  r.status = std::stoi(text.substr(9, 3));
  size_t pos = text.find("\r\n") + 2;
  while (pos < text.size()) {
    size_t eol = text.find("\r\n", pos);
    if (eol == pos || eol == std::string::npos) break;
    std::string line = text.substr(pos, eol - pos);
    size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    pos = eol + 2;
  }
  return r;
}

const std::string kSignKey(32, 's');

class MediaRoutesTest : public McpHttpTest {
 protected:
  void SetUp() override {
    McpHttpTest::SetUp();
    dir_ = fs::temp_directory_path() /
           ("herald_media_routes_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    McpHttpTest::TearDown();
    fs::remove_all(dir_);
  }

  // Starts the frontend with media routes; `limits` for the upload sessions.
  void StartMedia(core::UploadLimits limits = {}, size_t small_limit = 32u << 20) {
    sessions_ = std::make_unique<core::UploadSessions>(
        dir_.string(), pool_, clock_,
        [this](base::Caller caller, core::FinishedUpload upload)
            -> base::Task<base::Result<base::Json>> {
          std::ifstream in(upload.path, std::ios::binary);
          std::stringstream s;
          s << in.rdbuf();
          if (!s.str().starts_with("MEDIA")) {
            co_return base::InvalidArgument("the file is not a supported image or video");
          }
          std::lock_guard<std::mutex> lock(mu_);
          finished_.push_back(Finished{caller, upload, s.str()});
          fs::remove(upload.path);  // "taken" by the media service
          co_return base::Json{{"media_id", "med_" + std::to_string(finished_.size())},
                               {"size", upload.size},
                               {"file_name", upload.file_name},
                               {"alt_text", upload.alt_text},
                               {"keep", upload.keep}};
        },
        limits);
    signer_ = std::make_unique<media::UrlSigner>(kSignKey, "https://herald.example");
    options().media.uploads = sessions_.get();
    options().media.signer = signer_.get();
    options().media.store = &store_;
    options().media.small_upload_limit = small_limit;
    options().media.piece_size = 4096;
    options().media.lookup = [this](std::string media_id, std::string file)
        -> base::Task<base::Result<ServedFile>> {
      if (media_id != "med_1" || file != "original.png") co_return base::NotFound("no such media");
      co_return ServedFile{"org_a/med_1/original.png", "image/png",
                           static_cast<int64_t>(served_.size())};
    };
    Start();
  }

  TestClient::Headers Tus(const std::string& key = kKeyA) {
    TestClient::Headers h = {{"Host", host_}, {"Tus-Resumable", "1.0.0"}};
    if (!key.empty()) h.emplace_back("Authorization", "Bearer " + key);
    return h;
  }

  // POST /api/v1/uploads with Upload-Length `length` ("" for none).
  std::optional<Reply> CreateReply(const std::string& length, const std::string& key = kKeyA,
                                   const std::string& metadata = {}) {
    TestClient c(port_);
    auto h = Tus(key);
    if (!length.empty()) h.emplace_back("Upload-Length", length);
    if (!metadata.empty()) h.emplace_back("Upload-Metadata", metadata);
    return c.Call("POST", "/api/v1/uploads", h);
  }

  // Creates an upload of `length` bytes; returns its path ("/api/v1/uploads/upl_...").
  std::string Create(int64_t length, const std::string& metadata = {}) {
    auto r = CreateReply(std::to_string(length), kKeyA, metadata);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 201) << r->body;
    EXPECT_EQ(r->Header("tus-resumable"), "1.0.0");
    std::string location = r->Header("location");
    return location.substr(location.find("/api/v1/uploads/"));
  }

  std::optional<Reply> Patch(const std::string& path, int64_t offset, const std::string& body,
                             const std::string& key = kKeyA,
                             const std::string& type = "application/offset+octet-stream") {
    TestClient c(port_);
    auto h = Tus(key);
    h.emplace_back("Upload-Offset", std::to_string(offset));
    h.emplace_back("Content-Type", type);
    return c.Call("PATCH", path, h, body);
  }

  Raw Head(const std::string& target, const TestClient::Headers& headers) {
    TestClient c(port_);
    std::string req = "HEAD " + target + " HTTP/1.1\r\n";
    for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
    req += "\r\n";
    EXPECT_TRUE(c.SendRaw(req));
    EXPECT_TRUE(c.ReadUntil("\r\n\r\n"));
    return ParseHead(c.received());
  }

  int64_t Offset(const std::string& path, const std::string& key = kKeyA) {
    Raw r = Head(path, Tus(key));
    if (r.status != 200) return -r.status;
    EXPECT_EQ(r.headers["cache-control"], "no-store");
    EXPECT_EQ(r.headers["tus-resumable"], "1.0.0");
    return std::stoll(r.headers["upload-offset"]);
  }

  size_t PartFiles() {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_ / "uploads")) {
      if (e.path().extension() == ".part") ++n;
    }
    return n;
  }

  std::optional<Reply> Get(const std::string& target, TestClient::Headers extra = {}) {
    TestClient c(port_);
    TestClient::Headers h = {{"Host", host_}};
    for (auto& e : extra) h.push_back(e);
    return c.Call("GET", target, h);
  }

  std::string SignedTarget(const std::string& id, const std::string& file,
                           std::chrono::seconds valid = std::chrono::hours(1)) {
    std::string url = *signer_->Sign(id, file, clock_.Now() + valid);
    return url.substr(std::string("https://herald.example").size());
  }

  fs::path dir_;
  boost::asio::thread_pool pool_{2};
  std::unique_ptr<core::UploadSessions> sessions_;
  std::unique_ptr<media::UrlSigner> signer_;
  FakeStore store_;
  std::string served_;
  std::mutex mu_;
  std::vector<Finished> finished_;
};

TEST_F(MediaRoutesTest, DiscoveryNamesVersionExtensionsAndMaxSize) {
  StartMedia(core::UploadLimits{.max_size = 5000});
  TestClient c(port_);
  auto r = c.Call("OPTIONS", "/api/v1/uploads", Tus());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->Header("tus-resumable"), "1.0.0");
  EXPECT_EQ(r->Header("tus-version"), "1.0.0");
  EXPECT_EQ(r->Header("tus-extension"), "creation,termination");
  EXPECT_EQ(r->Header("tus-max-size"), "5000");
  // Without an API key: 401, still a tus answer.
  auto anon = CreateReply("10", "");
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->status, 401);
  EXPECT_EQ(anon->Header("tus-resumable"), "1.0.0");
}

TEST_F(MediaRoutesTest, CreatePatchTwiceFinishes) {
  StartMedia();
  const std::string content = "MEDIA" + std::string(20'000, 'x');
  const std::string meta = "filename " + base::Base64Encode("clip.mp4") + ",filetype " +
                           base::Base64Encode("video/mp4") + ",alt_text " +
                           base::Base64Encode("a cat") + ",keep " + base::Base64Encode("true");
  std::string path = Create(static_cast<int64_t>(content.size()), meta);
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(Offset(path), 0);
  auto first = Patch(path, 0, content.substr(0, 12'000));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 204) << first->body;
  EXPECT_EQ(first->Header("upload-offset"), "12000");
  EXPECT_EQ(first->Header("tus-resumable"), "1.0.0");
  EXPECT_EQ(Offset(path), 12'000);
  auto last = Patch(path, 12'000, content.substr(12'000));
  ASSERT_TRUE(last);
  ASSERT_EQ(last->status, 200) << last->body;
  EXPECT_EQ(last->Header("herald-media-id"), "med_1");
  EXPECT_EQ(last->Header("upload-offset"), std::to_string(content.size()));
  auto media = Json::parse(last->body);
  EXPECT_EQ(media["file_name"], "clip.mp4");
  EXPECT_EQ(media["alt_text"], "a cat");
  EXPECT_EQ(media["keep"], true);
  ASSERT_EQ(finished_.size(), 1u);
  EXPECT_EQ(finished_[0].content, content);
  EXPECT_EQ(finished_[0].upload.declared_type, "video/mp4");
  EXPECT_EQ(finished_[0].caller.org_id, "org_a");
  // Finished: the session is gone.
  EXPECT_EQ(Offset(path), -404);
  EXPECT_EQ(PartFiles(), 0u);
}

TEST_F(MediaRoutesTest, DroppedConnectionResumesAtTheDurableOffset) {
  StartMedia();
  const std::string content = "MEDIA" + std::string(99'995, 'y');
  std::string path = Create(static_cast<int64_t>(content.size()));
  {
    TestClient c(port_);
    std::string head = "PATCH " + path + " HTTP/1.1\r\nHost: " + host_ +
                       "\r\nAuthorization: Bearer " + kKeyA +
                       "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: "
                       "application/offset+octet-stream\r\nContent-Length: " +
                       std::to_string(content.size()) + "\r\n\r\n";
    ASSERT_TRUE(c.SendRaw(head + content.substr(0, 30'000)));
    c.Close();  // mid-body
  }
  // The server notices the drop, syncs what arrived and frees the upload: poll HEAD (bounded).
  int64_t offset = -1;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    offset = Offset(path);
    if (offset == 30'000 && Patch(path, 0, "x")->status == 409) break;
  }
  ASSERT_EQ(offset, 30'000);
  auto rest = Patch(path, 30'000, content.substr(30'000));
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->status, 200) << rest->body;
  ASSERT_EQ(finished_.size(), 1u);
  EXPECT_EQ(finished_[0].content, content);
}

TEST_F(MediaRoutesTest, WrongOffsetTypeVersionAndSize) {
  StartMedia(core::UploadLimits{.max_size = 1000});
  std::string path = Create(100);
  auto wrong = Patch(path, 5, "abc");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 409);
  EXPECT_NE(wrong->body.find("offset 0"), std::string::npos) << wrong->body;
  auto type = Patch(path, 0, "abc", kKeyA, "application/octet-stream");
  ASSERT_TRUE(type);
  EXPECT_EQ(type->status, 415);
  EXPECT_EQ(Offset(path), 0);

  auto big = CreateReply("1001");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_NE(big->body.find("1000"), std::string::npos);

  auto missing = CreateReply("");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_NE(missing->body.find("Upload-Length"), std::string::npos);

  TestClient c3(port_);
  TestClient::Headers old = {{"Host", host_}, {"Authorization", std::string("Bearer ") + kKeyA},
                             {"Tus-Resumable", "0.2.2"}, {"Upload-Length", "10"}};
  auto version = c3.Call("POST", "/api/v1/uploads", old);
  ASSERT_TRUE(version);
  EXPECT_EQ(version->status, 412);
  EXPECT_EQ(version->Header("tus-version"), "1.0.0");
  EXPECT_EQ(version->Header("tus-resumable"), "1.0.0");

  // Past Upload-Length: refused, nothing past it written.
  auto past = Patch(path, 0, std::string(101, 'z'));
  ASSERT_TRUE(past);
  EXPECT_EQ(past->status, 400);
  EXPECT_EQ(Offset(path), 0);
}

TEST_F(MediaRoutesTest, AnotherOrganizationsUploadIsNotFound) {
  StartMedia();
  std::string path = Create(10);
  EXPECT_EQ(Offset(path, kKeyB), -404);
  auto patch = Patch(path, 0, "MEDIA12345", kKeyB);
  ASSERT_TRUE(patch);
  EXPECT_EQ(patch->status, 404);
  TestClient c(port_);
  auto del = c.Call("DELETE", path, Tus(kKeyB));
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 404);
  EXPECT_EQ(Offset(path), 0);
  // Its own organization may terminate it.
  TestClient c2(port_);
  auto own = c2.Call("DELETE", path, Tus());
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 204);
  EXPECT_EQ(Offset(path), -404);
  EXPECT_EQ(PartFiles(), 0u);
}

TEST_F(MediaRoutesTest, PerKeyCapsAndExpiry) {
  StartMedia(core::UploadLimits{.max_size = 1000, .max_unfinished_per_key = 2,
                                .max_staged_bytes_per_key = 1500});
  std::string a = Create(700);
  Create(700);
  auto third = CreateReply("10");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, 429);
  // Another key is not affected.
  auto other = CreateReply("10", kKeyB);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 201);
  // A day later the unfinished ones are gone, files included.
  clock_.Advance(std::chrono::hours(25));
  EXPECT_EQ(Offset(a), -404);
  Create(10);  // creation sweeps expired sessions
  EXPECT_EQ(PartFiles(), 1u);
}

TEST_F(MediaRoutesTest, FinishThatIsNotMediaIs422AndRemovesTheFile) {
  StartMedia();
  std::string path = Create(11);
  auto r = Patch(path, 0, "hello world");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("not a supported"), std::string::npos) << r->body;
  EXPECT_EQ(PartFiles(), 0u);
  EXPECT_EQ(Offset(path), -404);
}

TEST_F(MediaRoutesTest, PostMediaRawAndMultipart) {
  StartMedia({}, /*small_limit=*/1000);
  TestClient c(port_);
  TestClient::Headers h = {{"Host", host_},
                           {"Authorization", std::string("Bearer ") + kKeyA},
                           {"Content-Type", "image/png"}};
  auto raw = c.Call("POST", "/api/v1/media?file_name=cat.png&alt_text=a%20cat&keep=true", h,
                    "MEDIA-png-bytes");
  ASSERT_TRUE(raw);
  ASSERT_EQ(raw->status, 201) << raw->body;
  EXPECT_EQ(raw->Header("herald-media-id"), "med_1");
  auto j = Json::parse(raw->body);
  EXPECT_EQ(j["file_name"], "cat.png");
  EXPECT_EQ(j["alt_text"], "a cat");
  EXPECT_EQ(finished_.at(0).upload.declared_type, "image/png");
  EXPECT_EQ(finished_.at(0).content, "MEDIA-png-bytes");

  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"alt_text\"\r\n\r\ndog\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dog.jpg\"\r\n"
      "Content-Type: image/jpeg\r\n\r\nMEDIA-jpeg\r\nbytes\r\n--XyZ--\r\n";
  TestClient c2(port_);
  h.back() = {"Content-Type", "multipart/form-data; boundary=XyZ"};
  auto multi = c2.Call("POST", "/api/v1/media", h, body);
  ASSERT_TRUE(multi);
  ASSERT_EQ(multi->status, 201) << multi->body;
  EXPECT_EQ(Json::parse(multi->body)["file_name"], "dog.jpg");
  EXPECT_EQ(finished_.at(1).content, "MEDIA-jpeg\r\nbytes");
  EXPECT_EQ(finished_.at(1).upload.declared_type, "image/jpeg");
  EXPECT_EQ(finished_.at(1).upload.alt_text, "dog");

  TestClient c3(port_);
  h.back() = {"Content-Type", "video/mp4"};
  auto big = c3.Call("POST", "/api/v1/media", h, "MEDIA" + std::string(1000, 'v'));
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_NE(big->body.find("/api/v1/uploads"), std::string::npos) << big->body;

  TestClient c4(port_);
  h.back() = {"Content-Type", "image/png"};
  auto text = c4.Call("POST", "/api/v1/media", h, "just text");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->status, 422);
  EXPECT_EQ(PartFiles(), 0u);
}

TEST_F(MediaRoutesTest, SignedMediaWithRanges) {
  StartMedia();
  served_.clear();
  for (int i = 0; i < 10'000; ++i) served_ += static_cast<char>('a' + i % 26);
  store_.Put("org_a/med_1/original.png", served_);
  const std::string target = SignedTarget("med_1", "original.png");

  auto whole = Get(target);
  ASSERT_TRUE(whole);
  ASSERT_EQ(whole->status, 200) << whole->body;
  EXPECT_EQ(whole->body, served_);
  EXPECT_EQ(whole->Header("accept-ranges"), "bytes");
  EXPECT_EQ(whole->Header("content-type"), "image/png");
  EXPECT_EQ(whole->Header("cache-control"), "private, max-age=3600");
  EXPECT_GT(store_.reads(), 1);  // served in pieces

  auto part = Get(target, {{"Range", "bytes=100-199"}});
  ASSERT_TRUE(part);
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->body, served_.substr(100, 100));
  EXPECT_EQ(part->Header("content-range"), "bytes 100-199/10000");
  auto open = Get(target, {{"Range", "bytes=9990-"}});
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, 206);
  EXPECT_EQ(open->body, served_.substr(9990));
  auto suffix = Get(target, {{"Range", "bytes=-5"}});
  ASSERT_TRUE(suffix);
  EXPECT_EQ(suffix->status, 206);
  EXPECT_EQ(suffix->body, served_.substr(9995));
  EXPECT_EQ(suffix->Header("content-range"), "bytes 9995-9999/10000");
  auto past = Get(target, {{"Range", "bytes=10000-"}});
  ASSERT_TRUE(past);
  EXPECT_EQ(past->status, 416);
  EXPECT_EQ(past->Header("content-range"), "bytes */10000");

  Raw head = Head(target, {{"Host", host_}});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-length"], "10000");

  // Bad signature, another file under the same signature, expired: all 403, the same answer.
  std::string bad = target;
  bad.back() = bad.back() == 'A' ? 'B' : 'A';
  auto tampered = Get(bad);
  ASSERT_TRUE(tampered);
  EXPECT_EQ(tampered->status, 403);
  std::string other = target;
  other.replace(other.find("original.png"), 12, "thumbnail.jp");
  auto moved = Get(other);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->status, 403);
  EXPECT_EQ(moved->body, tampered->body);
  clock_.Advance(std::chrono::hours(2));
  auto expired = Get(target);
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status, 403);
  EXPECT_EQ(expired->body, tampered->body);
}

TEST(ByteRangeTest, Forms) {
  EXPECT_EQ(ParseByteRange("bytes=0-9", 100), std::make_pair(int64_t{0}, int64_t{9}));
  EXPECT_EQ(ParseByteRange("bytes=90-200", 100), std::make_pair(int64_t{90}, int64_t{99}));
  EXPECT_EQ(ParseByteRange("bytes=-200", 100), std::make_pair(int64_t{0}, int64_t{99}));
  EXPECT_EQ(ParseByteRange("bytes=100-", 100), std::make_pair(int64_t{-1}, int64_t{-1}));
  EXPECT_EQ(ParseByteRange("bytes=-0", 100), std::make_pair(int64_t{-1}, int64_t{-1}));
  EXPECT_EQ(ParseByteRange("bytes=5-1", 100), std::nullopt);
  EXPECT_EQ(ParseByteRange("bytes=0-1,5-6", 100), std::nullopt);
  EXPECT_EQ(ParseByteRange("items=0-1", 100), std::nullopt);
  EXPECT_EQ(ParseByteRange("bytes=x-1", 100), std::nullopt);
}

}  // namespace
}  // namespace herald::transport::testing
