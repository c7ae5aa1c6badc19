// A libFuzzer driver for SharpFuzz-instrumented .NET code, written for McpOAuth.Client (issue 10).
//
// libFuzzer runs in this process; the .NET harness runs in a child process started once (persistent mode) with
//   --target_path=PATH --target_arg=ARG [--target_arg=ARG ...]
// and talks to it the way SharpFuzz's Fuzzer.LibFuzzer.Run expects:
//   * one System V shared memory segment: 64 KiB of edge counters written by the instrumented assembly, then the input;
//   * its id in __LIBFUZZER_SHM_ID, and two pipes whose descriptors are in __LIBFUZZER_CONTROL_PIPE_ID (we write each
//     input's length, int32) and __LIBFUZZER_STATUS_PIPE_ID (the child writes 0 when ready, then 0 per input, or a
//     non-zero status when the input made it throw).
// The counters are copied into libFuzzer's extra counters after each input, so libFuzzer is guided by .NET coverage.
// A crash status, or the child dying, aborts this process: libFuzzer then saves the input as a crash artifact.
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAP_SIZE (1 << 16)
#define DATA_SIZE (1 << 20)
#define MAX_ARGS 32

__attribute__((section("__libfuzzer_extra_counters"))) uint8_t extra_counters[MAP_SIZE];

static uint8_t *shared;
static int shm_id = -1;
static int control_fd = -1;
static int status_fd = -1;
static pid_t child = -1;

static void fail(const char *what)
{
    fprintf(stderr, "driver: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void cleanup(void)
{
    if (shm_id >= 0) {
        shmctl(shm_id, IPC_RMID, NULL);
    }

    if (child > 0) {
        kill(child, SIGKILL);
    }
}

// Reads or writes exactly length bytes; -1 when the other end is gone.
static int transfer(int fd, void *buffer, size_t length, int writing)
{
    uint8_t *p = buffer;
    while (length > 0) {
        ssize_t n = writing ? write(fd, p, length) : read(fd, p, length);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += n;
        length -= (size_t)n;
    }
    return 0;
}

static const char *flag(const char *arg, const char *name)
{
    size_t length = strlen(name);
    return strncmp(arg, name, length) == 0 && arg[length] == '=' ? arg + length + 1 : NULL;
}

static void start_child(const char *path, char **args, int count)
{
    int control[2];
    int status[2];
    if (pipe(control) != 0 || pipe(status) != 0) {
        fail("pipe");
    }

    char value[32];
    snprintf(value, sizeof value, "%d", shm_id);
    setenv("__LIBFUZZER_SHM_ID", value, 1);
    snprintf(value, sizeof value, "%d", control[0]);
    setenv("__LIBFUZZER_CONTROL_PIPE_ID", value, 1);
    snprintf(value, sizeof value, "%d", status[1]);
    setenv("__LIBFUZZER_STATUS_PIPE_ID", value, 1);

    child = fork();
    if (child < 0) {
        fail("fork");
    }

    if (child == 0) {
        close(control[1]);
        close(status[0]);
        char *argv[MAX_ARGS + 2];
        argv[0] = (char *)path;
        for (int i = 0; i < count; i++) {
            argv[i + 1] = args[i];
        }
        argv[count + 1] = NULL;
        execv(path, argv);
        fail("execv");
    }

    close(control[0]);
    close(status[1]);
    control_fd = control[1];
    status_fd = status[0];

    int32_t ready;
    if (transfer(status_fd, &ready, sizeof ready, 0) != 0) {
        fprintf(stderr, "driver: the .NET harness exited before it was ready\n");
        exit(1);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *path = NULL;
    char *args[MAX_ARGS];
    int count = 0;
    for (int i = 1; i < *argc; i++) {
        const char *value;
        if ((value = flag((*argv)[i], "--target_path")) != NULL) {
            path = value;
        } else if ((value = flag((*argv)[i], "--target_arg")) != NULL && count < MAX_ARGS) {
            args[count++] = (char *)value;
        }
    }

    if (path == NULL) {
        fprintf(stderr, "usage: driver --target_path=PROGRAM [--target_arg=ARG ...] [libFuzzer flags] [corpus dirs]\n");
        exit(1);
    }

    shm_id = shmget(IPC_PRIVATE, MAP_SIZE + DATA_SIZE, IPC_CREAT | IPC_EXCL | 0600);
    if (shm_id < 0) {
        fail("shmget");
    }

    shared = shmat(shm_id, NULL, 0);
    if (shared == (void *)-1) {
        fail("shmat");
    }

    atexit(cleanup);
    signal(SIGPIPE, SIG_IGN);
    start_child(path, args, count);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > DATA_SIZE) {
        return 0;
    }

    memset(shared, 0, MAP_SIZE);
    memcpy(shared + MAP_SIZE, data, size);
    int32_t length = (int32_t)size;
    int32_t status;
    if (transfer(control_fd, &length, sizeof length, 1) != 0 || transfer(status_fd, &status, sizeof status, 0) != 0) {
        fprintf(stderr, "driver: the .NET harness died on this input\n");
        abort();
    }

    memcpy(extra_counters, shared, MAP_SIZE);
    if (status != 0) {
        fprintf(stderr, "driver: the .NET harness reported a finding (status %d)\n", status);
        abort();
    }

    return 0;
}
