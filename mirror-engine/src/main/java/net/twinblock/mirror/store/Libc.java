package net.twinblock.mirror.store;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;

/**
 * The few libc calls the JDK does not offer: a raw descriptor of the volume file, fallocate, and
 * lseek with SEEK_DATA/SEEK_HOLE. Constants are Linux's (identical on x86_64 and aarch64).
 */
interface Libc extends Library {

    int O_RDWR = 0x2;
    int O_CLOEXEC = 0x80000;

    int FALLOC_FL_KEEP_SIZE = 0x1;
    int FALLOC_FL_PUNCH_HOLE = 0x2;

    /** lseek whence: the next offset at or after the given one that holds data / lies in a hole. */
    int SEEK_DATA = 3;
    int SEEK_HOLE = 4;

    /** lseek(SEEK_DATA): no data at or after the offset, only a hole up to the end of the file. */
    int ENXIO = 6;
    int EINVAL = 22;
    int ENOSYS = 38;
    int EOPNOTSUPP = 95;

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int fallocate(int fd, int mode, long offset, long length) throws LastErrorException;

    long lseek(int fd, long offset, int whence) throws LastErrorException;
}
