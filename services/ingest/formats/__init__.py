"""Article files read by what they contain, not by their names: the sniffer picks a reader per format.

`open_file(path)` says what a file is (or refuses it with a reason naming the file) and gives a reader that
yields `Article`s and `Skip`s one at a time, so a 1 GB WARC or JSON Lines file is read at constant memory.
"""

from .items import Article, FileKind, FileReading, Skip, UnreadableFile
from .reading import MAX_FILE_BYTES, open_file

__all__ = ["MAX_FILE_BYTES", "Article", "FileKind", "FileReading", "Skip", "UnreadableFile", "open_file"]
