-- A review is written through plain JDBC (io.portcullis.request.ReviewRows; issue 20: the ORM's
-- persist and its query of a request's reviews were most of an approval's time). An auto-approval
-- writes its policy review in the submit's transaction, before the session has written the request
-- itself, so the review's key to its request is checked when the transaction commits (as V30 does
-- for the outbox and the hand-off grant). A review naming a request that does not exist still
-- fails the commit, and the whole state change rolls back with it.
alter table request_review
    alter constraint request_review_request_id_fkey deferrable initially deferred;
