// The README's configuration table documents every key of the study file
// (config::key_paths(), the schema's list) and no key that does not exist.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "config/study_schema.hpp"

namespace apiary::config {
namespace {

// The backquoted words of the first cell of each row of the table whose
// header is "| key | default | meaning |".
std::vector<std::vector<std::string>> documented_rows(const std::string& readme) {
  std::ifstream in(readme);
  std::vector<std::vector<std::string>> rows;
  bool inside = false;
  const std::regex quoted("`([^`]+)`");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("| key | default | meaning |")) {
      inside = true;
      continue;
    }
    if (!inside || line.starts_with("| ---")) continue;
    if (!line.starts_with("|")) break;
    const std::string first_cell = line.substr(1, line.find('|', 1) - 1);
    std::vector<std::string> words;
    for (std::sregex_iterator it(first_cell.begin(), first_cell.end(), quoted), end; it != end; ++it) {
      words.push_back((*it)[1]);
    }
    rows.push_back(words);
  }
  return rows;
}

// "[[parameters]]" rows list their keys bare: `[[parameters]]` `name`, `min`.
std::set<std::string> documented_keys(const std::vector<std::vector<std::string>>& rows) {
  std::set<std::string> keys;
  for (const auto& words : rows) {
    if (words.empty()) continue;
    const bool table_array = words.front().starts_with("[[");
    const std::string prefix = table_array ? words.front().substr(2, words.front().size() - 4) + "." : "";
    for (std::size_t i = table_array ? 1 : 0; i < words.size(); ++i) keys.insert(prefix + words[i]);
  }
  return keys;
}

TEST(ReadmeKeys, TheConfigurationTableListsExactlyTheStudyKeys) {
  const auto rows = documented_rows(std::string(APIARY_SOURCE_DIR) + "/README.md");
  ASSERT_FALSE(rows.empty()) << "no '| key | default | meaning |' table in README.md";
  const auto documented = documented_keys(rows);
  const auto known = key_paths();
  for (const auto& key : known) EXPECT_TRUE(documented.contains(key)) << key << " is not in README.md's table";
  for (const auto& key : documented) {
    EXPECT_NE(std::find(known.begin(), known.end(), key), known.end()) << "README.md documents unknown key " << key;
  }
}

TEST(ReadmeKeys, TheSchemaListsEverySectionOnceInFileOrder) {
  EXPECT_THAT(section_names(), ::testing::ElementsAre("study", "client", "parameters", "server", "buffer", "training",
                                                      "scheduler", "fault_tolerance"));
  const auto keys = key_paths();
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size()) << "a key is listed twice";
}

}  // namespace
}  // namespace apiary::config
