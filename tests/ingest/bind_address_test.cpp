// What a server rank binds (server.host, server.interface) on a node whose
// interfaces and name the test chooses.
#include "server/bind_address.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.hpp"

namespace apiary::server {
namespace {

using ::testing::HasSubstr;

config::StudyConfig on(config::SchedulerKind kind) {
  config::StudyConfig study;
  study.scheduler.kind = kind;
  return study;
}

// A cluster node: loopback, a management network and InfiniBand.
NodeNetwork cluster_node() {
  return {.host_name = "node7",
          .interfaces = {{"lo", "127.0.0.1", true}, {"eth0", "10.1.0.7", false}, {"ib0", "10.2.0.7", false}},
          .host_name_addresses = {"10.2.0.7"}};
}

TEST(BindAddress, AutoIsLoopbackWhenEveryProcessRunsOnThisMachine) {
  const auto address = bind_address(on(config::SchedulerKind::local), cluster_node());
  EXPECT_EQ(address.address, "127.0.0.1");
  EXPECT_THAT(address.why, HasSubstr("scheduler.kind = \"local\""));
}

TEST(BindAddress, AutoOnAClusterIsTheAddressTheNodesNameResolvesTo) {
  const auto address = bind_address(on(config::SchedulerKind::slurm), cluster_node());
  EXPECT_EQ(address.address, "10.2.0.7");
  EXPECT_THAT(address.why, HasSubstr("node7"));
}

TEST(BindAddress, AutoIgnoresANameThatResolvesToAnotherMachinesAddress) {
  auto node = cluster_node();
  node.host_name_addresses = {"192.168.9.9", "127.0.1.1"};
  const auto address = bind_address(on(config::SchedulerKind::slurm), node);
  EXPECT_EQ(address.address, "10.1.0.7");  // the first interface up that is not loopback
  EXPECT_THAT(address.why, HasSubstr("eth0"));
}

TEST(BindAddress, AutoOnANodeWithOnlyLoopbackBindsItAndSaysWhy) {
  const auto address =
      bind_address(on(config::SchedulerKind::slurm),
                   {.host_name = "laptop", .interfaces = {{"lo", "127.0.0.1", true}}, .host_name_addresses = {}});
  EXPECT_EQ(address.address, "127.0.0.1");
  EXPECT_THAT(address.why, HasSubstr("cannot reach"));
}

TEST(BindAddress, AnInterfaceChoosesItsAddress) {
  auto study = on(config::SchedulerKind::slurm);
  study.server.interface = "eth0";
  EXPECT_EQ(bind_address(study, cluster_node()).address, "10.1.0.7");
}

TEST(BindAddress, AnUnknownInterfaceIsAnErrorListingTheNodesInterfaces) {
  auto study = on(config::SchedulerKind::slurm);
  study.server.interface = "ib1";
  try {
    bind_address(study, cluster_node());
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(),
                 "server.interface = \"ib1\": node7 has no interface of that name that is up with an IPv4 address "
                 "(it has: lo 127.0.0.1, eth0 10.1.0.7, ib0 10.2.0.7)");
  }
}

TEST(BindAddress, AnExplicitHostIsBoundAsWritten) {
  auto study = on(config::SchedulerKind::slurm);
  study.server.host = "node7-ib";
  EXPECT_EQ(bind_address(study, cluster_node()).address, "node7-ib");
}

TEST(BindAddress, ThisMachineHasLoopbackUp) {
  const auto node = this_node_network();
  EXPECT_FALSE(node.host_name.empty());
  EXPECT_THAT(node.interfaces, ::testing::Contains(InterfaceAddress{"lo", "127.0.0.1", true}));
}

}  // namespace
}  // namespace apiary::server
