"""outcomelab.schemas"""
