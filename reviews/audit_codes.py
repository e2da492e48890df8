"""What each of the reviews app's audit codes means, in words."""

AUDIT_CODES = {
    "reviews.review.created": "added the practice review {target}",
    "reviews.review.changed": "changed the practice review {target}",
    "reviews.action.updated": "updated the review action {target}",
    "reviews.action.added": "added the review action {target}",
    "reviews.recommendation.added": "added {target}",
    "reviews.recommendation.decided": "recorded the decision on {target}: {decision}",
}
