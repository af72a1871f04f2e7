"""`make preview`: the site served on 127.0.0.1, rebuilt when a source changes; a one-page edit
is made alone and shown before the full build.
"""
