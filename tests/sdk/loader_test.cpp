#include <mentoring/fake_host.hpp>
#include <mentoring/loader.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <string>

using namespace mentoring::host;

namespace {

std::filesystem::path module(const std::string& name) {
  return std::filesystem::path(TEST_MODULES_DIR) / (name + ".so");
}

LoadError::Kind load_error_kind(const std::string& name, std::string* message = nullptr) {
  try {
    ModuleLibrary::load(module(name));
  } catch (const LoadError& e) {
    if (message) *message = e.what();
    return e.kind();
  }
  ADD_FAILURE() << name << " loaded but should not have";
  return LoadError::Kind::not_found;
}

LoadError::Kind load_error_kind_for(const std::string& name, AbiVersion host) {
  try {
    ModuleLibrary::load(module(name), host);
  } catch (const LoadError& e) {
    return e.kind();
  }
  ADD_FAILURE() << name << " loaded but should not have";
  return LoadError::Kind::not_found;
}

bool one_line(const std::string& text) {
  return text.find('\n') == std::string::npos && !text.empty();
}

}  // namespace

TEST(AbiNegotiation, SameMajorAndOlderOrEqualMinorIsAccepted) {
  EXPECT_TRUE(is_compatible({1, 0, 0}, {1, 0, 0}));
  EXPECT_TRUE(is_compatible({1, 3, 0}, {1, 2, 9}));   // older module minor, newer patch
  EXPECT_FALSE(is_compatible({1, 0, 0}, {1, 1, 0}));  // module needs a newer host
  EXPECT_FALSE(is_compatible({1, 0, 0}, {2, 0, 0}));
  EXPECT_FALSE(is_compatible({2, 0, 0}, {1, 0, 0}));
}

TEST(Loader, LoadsAWellFormedModuleAndReadsItsDescriptor) {
  auto library = ModuleLibrary::load(module("echo_module"));
  EXPECT_EQ(library->name(), "echo");
  EXPECT_EQ(library->version(), "1.2.3");
  EXPECT_EQ(library->kind(), MENTORING_KIND_ADAPTER);
  EXPECT_EQ(library->abi_version(), "1.2.0");
  EXPECT_EQ(library->capabilities(), std::vector<std::string>{"echo"});
}

TEST(Loader, AcceptsAModuleBuiltForAnOlderMinorThanTheHost) {
  auto library =
      ModuleLibrary::load(module("echo_module"), AbiVersion{1, MENTORING_ABI_MINOR + 4, 0});
  EXPECT_EQ(library->name(), "echo");
}

TEST(Loader, LoadsAModuleBuiltForAbi10IntoAnAbi12Host) {
  ASSERT_EQ(MENTORING_ABI_MINOR, 2);
  auto library = ModuleLibrary::load(module("abi_1_0_module"));
  EXPECT_EQ(library->abi_version(), "1.0.0");
  EXPECT_EQ(library->kind(), MENTORING_KIND_ADAPTER);
  EXPECT_STREQ(to_string(library->kind()), "adapter");
  // Its create fails by design: the status crosses as the same int32_t value.
  try {
    ModuleInstance instance(library, nullptr, "{}");
    ADD_FAILURE() << "the variant's create should fail";
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_FAILED);
  }
}

TEST(Loader, AnAbi10HostRefusesAModuleBuiltFor11) {
  EXPECT_EQ(load_error_kind_for("echo_module", AbiVersion{1, 0, 0}), LoadError::Kind::abi_mismatch);
}

TEST(Abi, ValuesCrossAsFixedWidthIntegersWithTheir10Values) {
  static_assert(sizeof(mentoring_status) == sizeof(std::int32_t));
  static_assert(sizeof(mentoring_module_kind) == sizeof(std::int32_t));
  static_assert(sizeof(mentoring_log_level) == sizeof(std::int32_t));
  EXPECT_EQ(MENTORING_OK, 0);
  EXPECT_EQ(MENTORING_ERR_INVALID_INPUT, 1);
  EXPECT_EQ(MENTORING_ERR_UNKNOWN_COMMAND, 2);
  EXPECT_EQ(MENTORING_ERR_UNAVAILABLE, 3);
  EXPECT_EQ(MENTORING_ERR_FAILED, 4);
  EXPECT_EQ(MENTORING_ERR_INTERNAL, 5);
  EXPECT_EQ(MENTORING_KIND_PLUGIN, 1);
  EXPECT_EQ(MENTORING_KIND_ADAPTER, 2);
  EXPECT_EQ(MENTORING_LOG_DEBUG, 0);
  EXPECT_EQ(MENTORING_LOG_ERROR, 3);
  EXPECT_STREQ(status_name(MENTORING_ERR_UNAVAILABLE), "unavailable");
  EXPECT_STREQ(status_name(42), "unknown status");
}

TEST(Loader, RefusesAModuleWithTheNextAbiMajor) {
  std::string message;
  EXPECT_EQ(load_error_kind("abi_next_major_module", &message), LoadError::Kind::abi_mismatch);
  EXPECT_TRUE(one_line(message)) << message;
  EXPECT_NE(message.find("module ABI 2.0.0"), std::string::npos) << message;
}

TEST(Loader, RefusesAModuleNeedingANewerMinor) {
  EXPECT_EQ(load_error_kind("abi_newer_minor_module"), LoadError::Kind::abi_mismatch);
}

TEST(Loader, RefusesAPlainSharedObjectThatIsNotAModule) {
  std::string message;
  EXPECT_EQ(load_error_kind("not_a_module", &message), LoadError::Kind::not_a_module);
  EXPECT_TRUE(one_line(message)) << message;
  EXPECT_NE(message.find("not a mentoring module"), std::string::npos);
}

TEST(Loader, RefusesALibraryWithAnUnresolvedSymbol) {
  std::string message;
  EXPECT_EQ(load_error_kind("missing_symbol_module", &message), LoadError::Kind::not_loadable);
  EXPECT_TRUE(one_line(message)) << message;
  EXPECT_NE(message.find("mentoring_test_function_that_does_not_exist"), std::string::npos)
      << message;
}

TEST(Loader, RefusesBadMagicAndMissingFunctions) {
  EXPECT_EQ(load_error_kind("bad_magic_module"), LoadError::Kind::bad_descriptor);
  std::string message;
  EXPECT_EQ(load_error_kind("null_function_module", &message), LoadError::Kind::bad_descriptor);
  EXPECT_NE(message.find("no call"), std::string::npos) << message;
}

TEST(Loader, ReportsAMissingFile) {
  EXPECT_EQ(load_error_kind("no_such_module"), LoadError::Kind::not_found);
}

TEST(Loader, RefusesATextFilePretendingToBeALibrary) {
  auto path = std::filesystem::temp_directory_path() / "mentoring-not-elf.so";
  { std::ofstream(path) << "hello"; }
  try {
    ModuleLibrary::load(path);
    FAIL() << "loaded a text file";
  } catch (const LoadError& e) {
    EXPECT_EQ(e.kind(), LoadError::Kind::not_loadable);
    EXPECT_TRUE(one_line(e.what())) << e.what();
  }
  std::filesystem::remove(path);
}

// A module that cannot tell callers apart (no call_as) never runs with more
// rights than the organisation's admin gave: admin's calls run, others are refused.
TEST(ModuleCall, AModuleWithoutCallAsRunsForTheAdminAndRefusesEveryOtherCaller) {
  mentoring::testing::FakeHost host;
  ModuleInstance module_instance(ModuleLibrary::load(module("no_call_as_module")), host.host(),
                                 "{}");
  EXPECT_FALSE(module_instance.knows_callers());
  EXPECT_EQ(module_instance.call_as(R"({"organisation":"acme","role":"admin","name":"cli"})",
                                    "status", "{}"),
            "{}");
  for (const char* caller :
       {R"({"organisation":"acme","role":"hr","name":"Priya"})",
        R"({"organisation":"acme","role":"mentor","person_id":"E2","name":"Grace"})",
        R"({"organisation":"acme","role":"mentee","person_id":"E1","name":"Ada"})",
        R"({"organisation":"acme","role":"system","name":"webhook"})", "not json"}) {
    try {
      module_instance.call_as(caller, "status", "{}");
      ADD_FAILURE() << "ran for " << caller;
    } catch (const CallError& e) {
      EXPECT_EQ(e.status(), MENTORING_ERR_FORBIDDEN) << caller;
      EXPECT_NE(std::string(e.what()).find("admin"), std::string::npos) << e.what();
    }
  }
}

TEST(ModuleCall, AnExceptionInsideTheModuleBecomesAStatusAndMessage) {
  mentoring::testing::FakeHost host;
  ModuleInstance echo(ModuleLibrary::load(module("echo_module")), host.host(), "{}");
  EXPECT_EQ(echo.call("echo", R"({"a":1})"), R"({"a":1})");
  try {
    echo.call("throw", "{}");
    FAIL();
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_FAILED);
    EXPECT_STREQ(e.what(), "boom inside the module");
  }
  try {
    echo.call("throw_other", "{}");
    FAIL();
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INTERNAL);
  }
  try {
    echo.call("nope", "{}");
    FAIL();
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_UNKNOWN_COMMAND);
  }
  // The instance still works after failures.
  EXPECT_EQ(echo.call("echo", "x"), "x");
}

TEST(ModuleCall, ARefusedConfigIsACallErrorWithTheModulesMessage) {
  mentoring::testing::FakeHost host;
  try {
    ModuleInstance echo(ModuleLibrary::load(module("echo_module")), host.host(), "refuse");
    FAIL();
  } catch (const CallError& e) {
    EXPECT_EQ(e.status(), MENTORING_ERR_INVALID_INPUT);
    EXPECT_NE(std::string(e.what()).find("config refused: /x"), std::string::npos);
  }
}

TEST(ModuleCall, TheLibraryOutlivesItsInstances) {
  mentoring::testing::FakeHost host;
  std::unique_ptr<ModuleInstance> instance;
  {
    auto library = ModuleLibrary::load(module("echo_module"));
    instance = std::make_unique<ModuleInstance>(library, host.host(), "{}");
  }  // our handle to the library is gone; the instance keeps it loaded
  EXPECT_EQ(instance->call("echo", "still here"), "still here");
}
