// LocalMediaStore: keys as files under a root; PutFile moves within a filesystem and copies
// (temp name, fsync, rename) across filesystems; reads, ranges, stat, remove with empty
// directories pruned; bad keys refused with nothing written.
#include "media/local_media_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/media/store_test_support.h"
#include "tests/platforms/support/run_task.h"
#include "tests/support/result_matchers.h"

namespace herald::media {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::IsOkAndHolds;
using ::herald::matchers::StatusIs;
using ::herald::testing::RunTask;
using ::testing::HasSubstr;
using testing::FileExists;
using testing::ReadFile;
using testing::ScratchDir;
using testing::WriteFile;
using base::ErrorCode;

class LocalMediaStoreTest : public ::testing::Test {
 protected:
  LocalMediaStoreTest() : store_(dir_.File("media")) {}

  template <class T>
  T Run(base::Task<T> task) {
    return RunTask(io_, std::move(task));
  }

  // A file outside the store with `data`, ready to be put.
  std::string Upload(const std::string& data, const std::string& name = "upload.bin") {
    std::string path = dir_.File(name);
    WriteFile(path, data);
    return path;
  }

  // Every entry under the store's root, relative ("org_1", "org_1/med_2/a.png", ...).
  std::vector<std::string> Tree() const {
    std::vector<std::string> out;
    if (!FileExists(store_.root())) return out;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(store_.root())) {
      out.push_back(std::filesystem::relative(entry.path(), store_.root()).string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  boost::asio::io_context io_;
  ScratchDir dir_;
  LocalMediaStore store_;
};

TEST_F(LocalMediaStoreTest, PutMovesTheFileUnderItsKey) {
  std::string upload = Upload("png bytes");
  auto stored = Run(store_.PutFile("org_1/med_2/original.png", upload, "image/png"));
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->key, "org_1/med_2/original.png");
  EXPECT_EQ(stored->size, 9);
  EXPECT_EQ(stored->content_type, "image/png");
  EXPECT_FALSE(FileExists(upload)) << "same filesystem: moved, not copied";
  EXPECT_EQ(store_.LocalPath("org_1/med_2/original.png"),
            dir_.path() + "/media/org_1/med_2/original.png");
  EXPECT_EQ(ReadFile(store_.LocalPath("org_1/med_2/original.png")), "png bytes");
  EXPECT_EQ(store_.Kind(), "local");
}

TEST_F(LocalMediaStoreTest, PutReplacesAnObjectOfTheSameKey) {
  ASSERT_THAT(Run(store_.PutFile("o/m/a.jpg", Upload("first"), "image/jpeg")), IsOk());
  ASSERT_THAT(Run(store_.PutFile("o/m/a.jpg", Upload("second!"), "image/jpeg")), IsOk());
  EXPECT_EQ(ReadFile(store_.LocalPath("o/m/a.jpg")), "second!");
  EXPECT_EQ(Tree(), (std::vector<std::string>{"o", "o/m", "o/m/a.jpg"}));
}

TEST_F(LocalMediaStoreTest, PutFromAnotherFilesystemCopiesThroughATempFileAndLeavesTheSource) {
  struct stat here {}, shm {};
  if (::stat(dir_.path().c_str(), &here) != 0 || ::stat("/dev/shm", &shm) != 0 ||
      here.st_dev == shm.st_dev) {
    GTEST_SKIP() << "needs /dev/shm on another filesystem than " << dir_.path();
  }
  ScratchDir other("/dev/shm");
  std::string source = other.File("video.mp4");
  std::string data(3 << 20, 'v');
  WriteFile(source, data);
  auto stored = Run(store_.PutFile("o/m/original.mp4", source, "video/mp4"));
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->size, 3 << 20);
  EXPECT_EQ(stored->content_type, "video/mp4");
  EXPECT_TRUE(FileExists(source)) << "a copy leaves the caller's file alone";
  EXPECT_EQ(ReadFile(store_.LocalPath("o/m/original.mp4")), data);
  EXPECT_EQ(Tree(), (std::vector<std::string>{"o", "o/m", "o/m/original.mp4"}))
      << "no temporary file is left behind";
  struct stat st {};
  ASSERT_EQ(::stat(store_.LocalPath("o/m/original.mp4").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(LocalMediaStoreTest, PutOfAMissingFileIsNotFoundAndStoresNothing) {
  EXPECT_THAT(Run(store_.PutFile("o/m/a.png", dir_.File("nope.png"), "image/png")),
              StatusIs(ErrorCode::kNotFound, HasSubstr("does not exist")));
  EXPECT_THAT(Run(store_.PutFile("o/m/a.png", dir_.path(), "image/png")),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("not a regular file")));
  EXPECT_TRUE(Tree().empty());
}

TEST_F(LocalMediaStoreTest, KeysThatCouldLeaveTheRootAreRefusedAndNothingIsWritten) {
  std::string upload = Upload("x");
  for (const std::string& key :
       {std::string("/etc/passwd"), std::string("../escape.png"), std::string("o/../../x.png"),
        std::string("o//a.png"), std::string("o/m/"), std::string(""), std::string("o/./a.png"),
        std::string("o/a\0b.png", 9), std::string("o/a\nb.png")}) {
    EXPECT_THAT(Run(store_.PutFile(key, upload, "image/png")),
                StatusIs(ErrorCode::kInvalidArgument, HasSubstr("invalid media object key")))
        << key;
    EXPECT_THAT(Run(store_.Stat(key)), StatusIs(ErrorCode::kInvalidArgument)) << key;
    EXPECT_THAT(Run(store_.Remove(key)), StatusIs(ErrorCode::kInvalidArgument)) << key;
    EXPECT_EQ(store_.LocalPath(key), "") << key;
  }
  EXPECT_TRUE(FileExists(upload));
  EXPECT_TRUE(Tree().empty());
}

TEST_F(LocalMediaStoreTest, GetCopiesTheObjectToANewFile) {
  ASSERT_THAT(Run(store_.PutFile("o/m/a.webp", Upload("webp data"), "image/webp")), IsOk());
  std::string out = dir_.File("out.webp");
  auto got = Run(store_.GetToFile("o/m/a.webp", out));
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->size, 9);
  EXPECT_EQ(got->content_type, "image/webp");
  EXPECT_EQ(ReadFile(out), "webp data");
  EXPECT_EQ(ReadFile(store_.LocalPath("o/m/a.webp")), "webp data") << "the object stays";

  EXPECT_THAT(Run(store_.GetToFile("o/m/missing.webp", dir_.File("x"))),
              StatusIs(ErrorCode::kNotFound));
  EXPECT_FALSE(FileExists(dir_.File("x")));
}

TEST_F(LocalMediaStoreTest, ReadRangeReadsUpToLengthAndRefusesAnOffsetPastTheEnd) {
  ASSERT_THAT(Run(store_.PutFile("o/m/a.mp4", Upload("0123456789"), "video/mp4")), IsOk());
  EXPECT_THAT(Run(store_.ReadRange("o/m/a.mp4", 2, 3)), IsOkAndHolds(std::string("234")));
  EXPECT_THAT(Run(store_.ReadRange("o/m/a.mp4", 7, 100)), IsOkAndHolds(std::string("789")));
  EXPECT_THAT(Run(store_.ReadRange("o/m/a.mp4", 10, 5)), IsOkAndHolds(std::string("")));
  EXPECT_THAT(Run(store_.ReadRange("o/m/a.mp4", 11, 5)),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("past the end")));
  EXPECT_THAT(Run(store_.ReadRange("o/m/a.mp4", -1, 5)), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(Run(store_.ReadRange("o/m/b.mp4", 0, 5)), StatusIs(ErrorCode::kNotFound));
}

TEST_F(LocalMediaStoreTest, StatGivesSizeAndTheTypeOfTheExtension) {
  ASSERT_THAT(Run(store_.PutFile("o/m/clip.MOV", Upload("1234"), "video/quicktime")), IsOk());
  auto stat = Run(store_.Stat("o/m/clip.MOV"));
  ASSERT_THAT(stat, IsOk());
  EXPECT_EQ(stat->size, 4);
  EXPECT_EQ(stat->content_type, "video/quicktime");
  EXPECT_THAT(Run(store_.Stat("o/m/none.png")), StatusIs(ErrorCode::kNotFound));
  EXPECT_THAT(Run(store_.Stat("o/m")), StatusIs(ErrorCode::kNotFound)) << "a directory is no object";
  EXPECT_EQ(LocalMediaStore::ContentTypeForKey("o/m/thumbnail.jpg"), "image/jpeg");
  EXPECT_EQ(LocalMediaStore::ContentTypeForKey("o/m/x.heic"), "image/heic");
  EXPECT_EQ(LocalMediaStore::ContentTypeForKey("o/m.png/data"), "application/octet-stream");
}

TEST_F(LocalMediaStoreTest, RemoveDeletesTheFileAndTheDirectoriesItLeavesEmpty) {
  ASSERT_THAT(Run(store_.PutFile("o/m1/a.png", Upload("a"), "image/png")), IsOk());
  ASSERT_THAT(Run(store_.PutFile("o/m1/b.png", Upload("b"), "image/png")), IsOk());
  ASSERT_THAT(Run(store_.PutFile("o/m2/c.png", Upload("c"), "image/png")), IsOk());

  ASSERT_THAT(Run(store_.Remove("o/m1/a.png")), IsOk());
  EXPECT_EQ(Tree(), (std::vector<std::string>{"o", "o/m1", "o/m1/b.png", "o/m2", "o/m2/c.png"}));
  ASSERT_THAT(Run(store_.Remove("o/m1/b.png")), IsOk());
  EXPECT_EQ(Tree(), (std::vector<std::string>{"o", "o/m2", "o/m2/c.png"}));
  ASSERT_THAT(Run(store_.Remove("o/m2/c.png")), IsOk());
  EXPECT_TRUE(Tree().empty());
  EXPECT_TRUE(FileExists(store_.root())) << "the root itself stays";

  EXPECT_THAT(Run(store_.Remove("o/m2/c.png")), IsOk()) << "removing a missing key is Ok";
  EXPECT_THAT(Run(store_.Stat("o/m2/c.png")), StatusIs(ErrorCode::kNotFound));
}

TEST_F(LocalMediaStoreTest, HasNoPresignedUrls) {
  EXPECT_THAT(store_.PresignedUrl("o/m/a.png", base::FromUnixMicros(0)),
              StatusIs(ErrorCode::kUnimplemented, HasSubstr("signed /media/ URLs")));
}

TEST_F(LocalMediaStoreTest, ARelativeRootIsMadeAbsolute) {
  LocalMediaStore relative("var/media");
  EXPECT_EQ(relative.root(), (std::filesystem::current_path() / "var/media").string());
  EXPECT_EQ(relative.LocalPath("o/m/a.png").front(), '/');
}

}  // namespace
}  // namespace herald::media
