/*
 * /init of the guest agent tests' tiny guest: loads the virtio console modules, finds the
 * qemu-guest-agent port (org.qemu.guest_agent.0) and answers the QGA protocol on it with fixed
 * data, as a stand-in for qemu-guest-agent. It speaks the real protocol to the real libvirt, so
 * what is tested is libvirt's and Quantix's side; the guest's answers are this file's.
 *
 * Build: gcc -static -O2 -o init qga-init.c. Commands: guest-sync(-delimited), guest-ping,
 * guest-info, guest-get-host-name, guest-network-get-interfaces, guest-get-osinfo,
 * guest-fsfreeze-{freeze,freeze-list,thaw,status}, guest-shutdown (powerdown, reboot, halt).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *MODULES[] = {"virtio", "virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev",
                                "virtio_pci", "virtio_console"};
#define NMOD (sizeof MODULES / sizeof MODULES[0])

static void say(const char *m) {
  int fd = open("/dev/console", O_WRONLY | O_NOCTTY);
  if (fd >= 0) {
    dprintf(fd, "qga-init: %s\n", m);
    close(fd);
  }
}

/* modules in dependency order, tried again while any of them still loads */
static void load_modules(void) {
  int done[NMOD] = {0};
  for (int pass = 0; pass < 4; pass++) {
    for (unsigned i = 0; i < NMOD; i++) {
      if (done[i]) continue;
      char path[128];
      snprintf(path, sizeof path, "/modules/%s.ko", MODULES[i]);
      int fd = open(path, O_RDONLY | O_CLOEXEC);
      if (fd < 0) { done[i] = 1; continue; }
      if (syscall(SYS_finit_module, fd, "", 0) == 0 || errno == EEXIST) done[i] = 1;
      close(fd);
    }
  }
}

/* /dev/vportNpM whose /sys/class/virtio-ports/vportNpM/name is the agent's */
static int open_port(void) {
  DIR *d = opendir("/sys/class/virtio-ports");
  if (!d) return -1;
  struct dirent *e;
  int fd = -1;
  while ((e = readdir(d)) && fd < 0) {
    if (e->d_name[0] == '.') continue;
    char p[320], name[128] = {0};
    snprintf(p, sizeof p, "/sys/class/virtio-ports/%s/name", e->d_name);
    int nf = open(p, O_RDONLY);
    if (nf < 0) continue;
    ssize_t n = read(nf, name, sizeof name - 1);
    close(nf);
    if (n > 0 && strncmp(name, "org.qemu.guest_agent.0", 22) == 0) {
      snprintf(p, sizeof p, "/dev/%s", e->d_name);
      fd = open(p, O_RDWR | O_NOCTTY);
    }
  }
  closedir(d);
  return fd;
}

static void reply(int fd, const char *json) {
  size_t len = strlen(json), off = 0;
  while (off < len) {
    ssize_t n = write(fd, json + off, len - off);
    if (n <= 0) return;
    off += (size_t)n;
  }
  (void)!write(fd, "\n", 1);
}

static int frozen = 0;

/* the value of "execute" in one request object, or "" */
static void command_of(const char *obj, char *out, size_t size) {
  out[0] = 0;
  const char *p = strstr(obj, "\"execute\"");
  if (!p) return;
  p = strchr(p + 9, '"');
  if (!p) return;
  p++;
  size_t i = 0;
  while (*p && *p != '"' && i + 1 < size) out[i++] = *p++;
  out[i] = 0;
}

static void handle(int fd, const char *obj) {
  char cmd[64], buf[2048];
  command_of(obj, cmd, sizeof cmd);
  if (strcmp(cmd, "guest-sync") == 0 || strcmp(cmd, "guest-sync-delimited") == 0) {
    const char *id = strstr(obj, "\"id\"");
    long long v = 0;
    if (id) {
      id = strchr(id, ':');
      if (id) v = strtoll(id + 1, NULL, 10);
    }
    if (cmd[10] == '-') (void)!write(fd, "\xff", 1);
    snprintf(buf, sizeof buf, "{\"return\": %lld}", v);
    reply(fd, buf);
  } else if (strcmp(cmd, "guest-ping") == 0) {
    reply(fd, "{\"return\": {}}");
  } else if (strcmp(cmd, "guest-info") == 0) {
    reply(fd,
          "{\"return\": {\"version\": \"7.2.0\", \"supported_commands\": ["
          "{\"enabled\": true, \"name\": \"guest-get-host-name\", \"success-response\": true},"
          "{\"enabled\": true, \"name\": \"guest-network-get-interfaces\", \"success-response\": true},"
          "{\"enabled\": true, \"name\": \"guest-get-osinfo\", \"success-response\": true},"
          "{\"enabled\": true, \"name\": \"guest-fsfreeze-freeze\", \"success-response\": true},"
          "{\"enabled\": true, \"name\": \"guest-fsfreeze-thaw\", \"success-response\": true},"
          "{\"enabled\": true, \"name\": \"guest-shutdown\", \"success-response\": false}]}}");
  } else if (strcmp(cmd, "guest-get-host-name") == 0) {
    reply(fd, "{\"return\": {\"host-name\": \"qxos-agent-guest\"}}");
  } else if (strcmp(cmd, "guest-network-get-interfaces") == 0) {
    reply(fd,
          "{\"return\": ["
          "{\"name\": \"lo\", \"hardware-address\": \"00:00:00:00:00:00\", \"ip-addresses\": ["
          "{\"ip-address-type\": \"ipv4\", \"ip-address\": \"127.0.0.1\", \"prefix\": 8},"
          "{\"ip-address-type\": \"ipv6\", \"ip-address\": \"::1\", \"prefix\": 128}]},"
          "{\"name\": \"eth0\", \"hardware-address\": \"52:54:00:12:34:56\", \"ip-addresses\": ["
          "{\"ip-address-type\": \"ipv4\", \"ip-address\": \"192.0.2.10\", \"prefix\": 24},"
          "{\"ip-address-type\": \"ipv6\", \"ip-address\": \"2001:db8::10\", \"prefix\": 64}]}]}");
  } else if (strcmp(cmd, "guest-get-osinfo") == 0) {
    reply(fd,
          "{\"return\": {\"name\": \"Quantix QGA test guest\", \"kernel-release\": \"6.1.0-qxos\","
          " \"version\": \"1.0 (test)\", \"pretty-name\": \"Quantix QGA test guest 1.0\","
          " \"version-id\": \"1.0\", \"kernel-version\": \"#1 SMP\", \"machine\": \"x86_64\","
          " \"id\": \"qxos\"}}");
  } else if (strcmp(cmd, "guest-fsfreeze-freeze") == 0 || strcmp(cmd, "guest-fsfreeze-freeze-list") == 0) {
    frozen = 1;
    say("filesystems frozen");
    reply(fd, "{\"return\": 1}");
  } else if (strcmp(cmd, "guest-fsfreeze-thaw") == 0) {
    int n = frozen;
    frozen = 0;
    say("filesystems thawed");
    snprintf(buf, sizeof buf, "{\"return\": %d}", n);
    reply(fd, buf);
  } else if (strcmp(cmd, "guest-fsfreeze-status") == 0) {
    reply(fd, frozen ? "{\"return\": \"frozen\"}" : "{\"return\": \"thawed\"}");
  } else if (strcmp(cmd, "guest-shutdown") == 0) {
    /* like qemu-ga: no answer; the guest goes down */
    say(strstr(obj, "reboot") ? "reboot asked" : "shutdown asked");
    sync();
    reboot(strstr(obj, "reboot") ? RB_AUTOBOOT : RB_POWER_OFF);
  } else {
    snprintf(buf, sizeof buf,
             "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command %s has not been found\"}}", cmd);
    reply(fd, buf);
  }
}

int main(void) {
  mkdir("/dev", 0755);
  mkdir("/sys", 0755);
  mkdir("/proc", 0755);
  mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
  mount("sysfs", "/sys", "sysfs", 0, NULL);
  mount("proc", "/proc", "proc", 0, NULL);
  load_modules();
  int fd = -1;
  for (int i = 0; i < 600 && fd < 0; i++) {
    fd = open_port();
    if (fd < 0) usleep(100000);
  }
  if (fd < 0) {
    say("no guest agent port; halting");
    for (;;) pause();
  }
  say("guest agent listening");
  /* one JSON object at a time: braces counted outside strings; 0xFF and whitespace between skipped */
  char obj[8192];
  size_t len = 0;
  int depth = 0, in_str = 0, esc = 0;
  for (;;) {
    char c;
    ssize_t n = read(fd, &c, 1);
    if (n <= 0) {
      /* the host side is not connected yet (or reconnects): wait and read again */
      usleep(50000);
      continue;
    }
    if (depth == 0 && c != '{') continue;
    if (len + 1 < sizeof obj) obj[len++] = c;
    if (in_str) {
      if (esc) esc = 0;
      else if (c == '\\') esc = 1;
      else if (c == '"') in_str = 0;
      continue;
    }
    if (c == '"') in_str = 1;
    else if (c == '{') depth++;
    else if (c == '}' && --depth == 0) {
      obj[len] = 0;
      handle(fd, obj);
      len = 0;
    }
  }
}
