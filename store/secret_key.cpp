#include "store/secret_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace herald::store {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

base::Result<std::string> DecodeKey(const std::string& text, const std::string& where) {
  auto raw = base::Base64Decode(Trim(text));
  if (!raw.ok()) raw = base::Base64UrlDecode(Trim(text));
  if (!raw.ok()) {
    return base::FailedPrecondition(where + " is not valid base64");
  }
  if (raw->size() != base::kSecretKeySize) {
    return base::FailedPrecondition(where + " must hold 32 bytes (base64), found " +
                                    std::to_string(raw->size()));
  }
  return *raw;
}

// Creates `path` holding a new random key, atomically: the key is written and synced to a private
// temporary file (mode 0600) which is then link()ed into place. link() never replaces an existing
// file, so when two processes race, the first key wins and the other process reads it; a crash
// never leaves a half-written key file behind.
base::Result<void> GenerateKeyFile(const std::string& data_dir, const std::string& path) {
  std::string text = base::Base64Encode(base::RandomBytes(base::kSecretKeySize)) + "\n";
  std::string tmp = path + ".tmp.XXXXXX";
  int fd = ::mkstemp(tmp.data());  // mode 0600
  if (fd < 0) return base::Unavailable("cannot create a file in " + data_dir + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return base::Unavailable("cannot write " + tmp + ": " + std::strerror(saved));
  }
  if (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    saved = errno;
    ::unlink(tmp.c_str());
    return base::Unavailable("cannot create " + path + ": " + std::strerror(saved));
  }
  ::unlink(tmp.c_str());
  if (int dir = ::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir);  // make the new name durable
    ::close(dir);
  }
  return base::Ok();
}

}  // namespace

base::Result<base::Keyring> LoadKeyring(const std::string& data_dir,
                                        const KeyringSecrets& secrets) {
  base::Keyring ring;
  if (!secrets.secret_key.empty()) {
    HERALD_ASSIGN_OR_RETURN(std::string key, DecodeKey(secrets.secret_key, "HERALD_SECRET_KEY"));
    HERALD_RETURN_IF_ERROR(ring.Add(key));
  } else {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(data_dir, ec);
    if (ec) {
      return base::Unavailable("cannot create data directory " + data_dir + ": " + ec.message());
    }
    std::string path = (fs::path(data_dir) / "secret.key").string();
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (errno != ENOENT) {
        return base::FailedPrecondition("cannot read " + path + ": " + std::strerror(errno));
      }
      HERALD_RETURN_IF_ERROR(GenerateKeyFile(data_dir, path));
      if (::stat(path.c_str(), &st) != 0) {
        return base::FailedPrecondition("cannot read " + path + ": " + std::strerror(errno));
      }
    }
    if (!S_ISREG(st.st_mode)) {
      return base::FailedPrecondition(path + " is not a regular file");
    }
    if ((st.st_mode & 077) != 0) {
      return base::FailedPrecondition(path + " is readable by other users; run: chmod 600 " +
                                      path);
    }
    std::ifstream in(path);
    std::stringstream buf;
    buf << in.rdbuf();
    if (!in) return base::FailedPrecondition("cannot read " + path);
    HERALD_ASSIGN_OR_RETURN(std::string key, DecodeKey(buf.str(), path));
    HERALD_RETURN_IF_ERROR(ring.Add(key));
  }
  for (const std::string& item : secrets.old_keys) {
    if (Trim(item).empty()) continue;
    HERALD_ASSIGN_OR_RETURN(std::string key, DecodeKey(item, "a key in HERALD_SECRET_KEYS_OLD"));
    HERALD_RETURN_IF_ERROR(ring.Add(key));
  }
  return ring;
}

}  // namespace herald::store
