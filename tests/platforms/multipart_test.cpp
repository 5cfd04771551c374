#include "platforms/multipart.h"

#include <gtest/gtest.h>

#include <string>

namespace herald::platforms {
namespace {

TEST(MultipartFormTest, RendersFieldsTypedPartsAndFiles) {
  MultipartForm form("XyZ");
  form.AddField("chat_id", "-100123");
  form.AddTyped("payload_json", "application/json", R"({"content":"hi"})");
  form.AddFile("files[0]", "cat.png", "image/png", std::string("\x89PNG\r\n\0x", 8));
  EXPECT_EQ(form.ContentType(), "multipart/form-data; boundary=XyZ");
  std::string expected =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"chat_id\"\r\n"
      "\r\n"
      "-100123\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"payload_json\"\r\n"
      "Content-Type: application/json\r\n"
      "\r\n"
      "{\"content\":\"hi\"}\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"files[0]\"; filename=\"cat.png\"\r\n"
      "Content-Type: image/png\r\n"
      "\r\n" +
      std::string("\x89PNG\r\n\0x", 8) +
      "\r\n"
      "--XyZ--\r\n";
  EXPECT_EQ(form.Body(), expected);
}

TEST(MultipartFormTest, EscapesNamesAndDefaultsTheFileType) {
  MultipartForm form("b");
  form.AddFile("file", "evil\"\r\nX-Injected: 1.png", "", "data");
  std::string body = form.Body();
  EXPECT_NE(body.find("filename=\"evil%22%0D%0AX-Injected: 1.png\""), std::string::npos) << body;
  EXPECT_NE(body.find("Content-Type: application/octet-stream\r\n"), std::string::npos);
  EXPECT_EQ(body.find("\r\nX-Injected"), std::string::npos);
}

TEST(MultipartFormTest, BoundaryIsReplacedWhenADataPartContainsIt) {
  MultipartForm form("abc");
  form.AddField("text", "a line with --abc inside");
  auto encoded = form.ContentTypeAndBody();
  EXPECT_NE(form.boundary(), "abc");
  EXPECT_EQ(encoded.content_type, "multipart/form-data; boundary=" + form.boundary());
  EXPECT_EQ(encoded.body.find("--abc\r\n"), std::string::npos);
  EXPECT_EQ(encoded.body.rfind("--" + form.boundary() + "--\r\n"),
            encoded.body.size() - form.boundary().size() - 6);
}

TEST(MultipartFormTest, RandomBoundariesDiffer) {
  MultipartForm a, b;
  EXPECT_NE(a.boundary(), b.boundary());
  EXPECT_GE(a.boundary().size(), 30u);
  MultipartForm empty("e");
  EXPECT_EQ(empty.Body(), "--e--\r\n");
}

}  // namespace
}  // namespace herald::platforms
