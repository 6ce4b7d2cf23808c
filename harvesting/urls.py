from django.urls import path

from harvesting import views

urlpatterns = [
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/approve/", views.proposal_bulk_approve, name="proposal_bulk_approve"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/approve/", views.proposal_approve, name="proposal_approve"),
    path("proposals/<int:pk>/reject/", views.proposal_reject, name="proposal_reject"),
    path("proposals/<int:pk>/legs/<int:leg_pk>/exclude/", views.proposal_leg_exclude,
         name="proposal_leg_exclude"),
    path("proposals/<int:pk>/orders.csv", views.proposal_orders, name="proposal_orders"),
    path("proposals/<int:pk>/fills/", views.proposal_fills, name="proposal_fills"),
    path("runs/latest/", views.run_latest, name="run_latest"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("households/<slug:key>/policy/", views.household_policy, name="household_policy"),
    path("households/<slug:key>/alerts/<int:pk>/acknowledge/", views.wash_alert_acknowledge,
         name="wash_alert_acknowledge"),
    path("swap-list/", views.swaplist, name="swaplist"),
    path("swap-list/export.json", views.swaplist_export, name="swaplist_export"),
    path("swap-list/import/", views.swaplist_import, name="swaplist_import"),
    path("swap-list/pairs/add/", views.swap_pair_add, name="swap_pair_add"),
    path("swap-list/pairs/<int:pk>/", views.swap_pair_edit, name="swap_pair_edit"),
    path("swap-list/pairs/<int:pk>/delete/", views.swap_pair_delete, name="swap_pair_delete"),
    path("swap-list/groups/add/", views.identical_group_add, name="identical_group_add"),
    path("swap-list/groups/<int:pk>/", views.identical_group_edit, name="identical_group_edit"),
    path("swap-list/groups/<int:pk>/delete/", views.identical_group_delete,
         name="identical_group_delete"),
]
